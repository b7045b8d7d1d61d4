/**
 * The Markdown table of an API bench run: one row per scenario, the OpenSearch baseline right
 * under the API scenario it mirrors with the API's added p50 latency, and failures spelled out.
 */
import type { ScenarioResult } from './run-scenario.js';

/** Renders `results` as a Markdown table followed by one line per failure. */
export function renderReport(results: readonly ScenarioResult[], header: string): string {
  const lines = [
    header,
    '',
    '| scenario | target | status | req/s (target) | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors | load avg | hits per variant |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const api = r.baseline_of === null ? undefined : results.find((other) => other.target === 'api' && other.name === r.baseline_of);
    const overhead = api === undefined ? '' : ` (API ${api.latency_ms.p50 >= r.latency_ms.p50 ? '+' : '-'}${Math.abs(api.latency_ms.p50 - r.latency_ms.p50)} ms p50)`;
    lines.push(
      `| ${r.name} | ${r.target === 'api' ? 'API' : `OpenSearch direct${overhead}`} | ${r.status === 'ok' ? 'ok' : '**FAILED**'} | ${r.requests_per_s} (${r.target_rate_per_s}) | ${r.latency_ms.p50} | ${r.latency_ms.p90} | ${r.latency_ms.p99} | ${r.latency_ms.max} | ${r.non_2xx} | ${r.errors} | ${r.load_avg_1m} | ${r.hits_per_variant === null ? '' : r.hits_per_variant.join(', ')} |`,
    );
  }
  for (const r of results) for (const failure of r.failures) lines.push(`- ${r.name} (${r.target}) failed: ${failure}`);
  return `${lines.join('\n')}\n`;
}
