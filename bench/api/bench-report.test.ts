import { expect } from 'chai';
import { renderReport } from './bench-report.js';
import type { ScenarioResult } from './run-scenario.js';

function result(overrides: Partial<ScenarioResult>): ScenarioResult {
  return {
    name: 'search',
    target: 'api',
    baseline_of: null,
    status: 'ok',
    failures: [],
    target_rate_per_s: 20,
    duration_s: 30,
    requests: 600,
    requests_per_s: 20,
    latency_ms: { p50: 12, p90: 20, p99: 40, max: 55, mean: 14 },
    non_2xx: 0,
    status_codes: { '200': 600 },
    errors: 0,
    timeouts: 0,
    bytes_per_s: 1000,
    load_avg_1m: 1.5,
    hits_per_variant: [10000, 42],
    ...overrides,
  };
}

describe('bench/api bench-report', () => {
  it('puts each scenario in a row, the baseline with the API overhead, and spells out failures', () => {
    const text = renderReport(
      [
        result({}),
        result({ target: 'opensearch', baseline_of: 'search', latency_ms: { p50: 5, p90: 8, p99: 15, max: 20, mean: 6 } }),
        result({ name: 'stats-top-services-24h', status: 'failed', failures: ['3 non-2xx answers (429: 3)'], non_2xx: 3, hits_per_variant: null }),
      ],
      'API bench',
    );
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).to.equal('API bench');
    expect(lines[4]).to.equal('| search | API | ok | 20 (20) | 12 | 20 | 40 | 55 | 0 | 0 | 1.5 | 10000, 42 |');
    expect(lines[5]).to.equal('| search | OpenSearch direct (API +7 ms p50) | ok | 20 (20) | 5 | 8 | 15 | 20 | 0 | 0 | 1.5 | 10000, 42 |');
    expect(lines[6]).to.equal('| stats-top-services-24h | API | **FAILED** | 20 (20) | 12 | 20 | 40 | 55 | 3 | 0 | 1.5 |  |');
    expect(lines[7]).to.equal('- stats-top-services-24h (api) failed: 3 non-2xx answers (429: 3)');
    expect(lines).to.have.length(8);
  });

  it('shows a negative overhead when the API answered faster than the direct search', () => {
    const text = renderReport([result({ latency_ms: { p50: 3, p90: 8, p99: 15, max: 20, mean: 6 } }), result({ target: 'opensearch', baseline_of: 'search' })], 'x');
    expect(text.split('\n')[5]).to.match(/^\| search \| OpenSearch direct \(API -9 ms p50\) \| ok \|/);
  });
});
