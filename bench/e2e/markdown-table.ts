/** The Markdown summary printed at the end of the end-to-end benchmark: one row per step. */
import type { E2eResult, E2eStep } from './e2e-result.js';

function cell(value: number | null, unit = ''): string {
  return value === null ? '–' : `${Math.round(value).toLocaleString('en-US')}${unit}`;
}

function topCpu(step: E2eStep, count = 3): string {
  return [...step.components]
    .sort((a, b) => b.cpuCores - a.cpuCores)
    .slice(0, count)
    .map((c) => `${c.component} ${c.cpuCores.toFixed(2)}`)
    .join(', ');
}

function row(label: string, step: E2eStep): string {
  const verdict = step.sustained ? 'yes' : `no: ${step.reason ?? ''}`;
  return `| ${label} | ${cell(step.targetLogsPerS)} | ${cell(step.writtenLogsPerS)} | ${cell(step.deliveredLogsPerS)} | ${step.backlogSlopePerS.toFixed(1)} | ${cell(step.latencyMs.p50, ' ms')} | ${cell(step.latencyMs.p99, ' ms')} | ${verdict.replaceAll('|', '/')} | ${topCpu(step)} |`;
}

/** Renders the ramp and the confirmation run as a Markdown table, with the headline figure above it. */
export function renderMarkdownTable(result: E2eResult): string {
  const lines = [
    `**End to end (agent file → Kafka → stream → OpenSearch + PostgreSQL): sustained ${cell(result.e2e.sustained_logs_per_s)} logs/s, p50 ${cell(result.e2e.p50_ms, ' ms')}, p99 ${cell(result.e2e.p99_ms, ' ms')} ingest-to-searchable**`,
    '',
    '| step | target/s | written/s | delivered/s | backlog slope/s | p50 | p99 | sustained | top CPU (cores) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...result.ramp.map((step, i) => row(`ramp ${i + 1}`, step)),
  ];
  // Every confirmation attempt when the result lists them (a failed first one, then 20% lower), else the one kept.
  const attempts = (result as E2eResult & { confirmations?: readonly E2eStep[] }).confirmations ?? (result.confirmation === null ? [] : [result.confirmation]);
  for (const attempt of attempts) lines.push(row(`confirm ${attempt.seconds} s`, attempt));
  return `${lines.join('\n')}\n`;
}
