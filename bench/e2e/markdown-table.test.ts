import { expect } from 'chai';
import type { E2eResult, E2eStep } from './e2e-result.js';
import { renderMarkdownTable } from './markdown-table.js';

const step = (target: number, sustained: boolean, reason: string | null): E2eStep => ({
  targetLogsPerS: target,
  writtenLogsPerS: target - 1,
  written: target * 60,
  storedOpenSearch: target * 60,
  storedPostgres: target * 60,
  deliveredLogsPerS: target - 5,
  seconds: 60,
  drainSeconds: 3,
  backlogStart: 0,
  backlogEnd: 1200,
  backlogSlopePerS: 4.25,
  latencyMs: { probes: 180, p50: 820.4, p99: 1900, max: 2400 },
  sustained,
  reason,
  components: [
    { component: 'agent', cpuCores: 0.41, rssMiB: 120 },
    { component: 'stream', cpuCores: 0.9, rssMiB: 200 },
    { component: 'opensearch', cpuCores: 0.5, rssMiB: 900 },
    { component: 'registry', cpuCores: 0.01, rssMiB: 80 },
  ],
});

describe('renderMarkdownTable', () => {
  it('has the headline and one row per step, busiest components first', () => {
    const result: E2eResult = {
      format: 'sawmill-e2e-bench/1',
      created_at: '2026-12-01T00:00:00Z',
      machine: { cores: 2, memoryGiB: 8, node: 'v20', loadAverage1m: 1 },
      settings: {},
      ramp: [step(2000, true, null), step(4000, false, 'backlog grew 300 lines/s (limit 80) | x')],
      confirmation: { ...step(2000, true, null), seconds: 180 },
      e2e: { sustained_logs_per_s: 2000, p50_ms: 820, p99_ms: 1900 },
      series: [],
    };
    const table = renderMarkdownTable(result);
    const rows = table.split('\n').filter((line) => line.startsWith('| ramp') || line.startsWith('| confirm'));
    expect(rows).to.have.length(3);
    expect(table).to.include('sustained 2,000 logs/s, p50 820 ms, p99 1,900 ms');
    expect(rows[0]).to.include('| 2,000 | 1,999 | 1,995 | 4.3 | 820 ms | 1,900 ms | yes | stream 0.90, opensearch 0.50, agent 0.41 |');
    // A reason must not break the table.
    expect(rows[1]!.split('|')).to.have.length(11);
    expect(rows[2]).to.match(/^\| confirm 180 s \|/);
  });

  it('lists every confirmation attempt when the result carries them', () => {
    const result = {
      format: 'sawmill-e2e-bench/1' as const,
      created_at: '2026-12-01T00:00:00Z',
      machine: { cores: 2, memoryGiB: 8, node: 'v20', loadAverage1m: 1 },
      settings: {},
      ramp: [step(2000, true, null)],
      confirmation: { ...step(1600, true, null), seconds: 180 },
      confirmations: [{ ...step(2000, false, 'backlog grew 90 lines/s (limit 40)'), seconds: 180 }, { ...step(1600, true, null), seconds: 180 }],
      e2e: { sustained_logs_per_s: 1600, p50_ms: 820, p99_ms: 1900 },
      series: [],
    };
    const rows = renderMarkdownTable(result).split('\n').filter((line) => line.startsWith('| confirm'));
    expect(rows).to.have.length(2);
    expect(rows[0]).to.include('no: backlog grew 90 lines/s');
    expect(rows[1]).to.include('| 1,600 |');
  });
});
