/**
 * Small, realistic results of every stage for the report's unit tests: shaped like the files the
 * benches write, with figures of the order this 2-core machine gives. Not read by any bench.
 */
import type { E2eResult, E2eStep } from '../e2e/e2e-result.js';

function step(target: number, delivered: number, p50: number | null, p99: number | null, sustained: boolean, seconds = 60): E2eStep {
  return {
    targetLogsPerS: target,
    writtenLogsPerS: target,
    written: target * seconds,
    storedOpenSearch: delivered * seconds,
    storedPostgres: delivered * seconds,
    deliveredLogsPerS: delivered,
    seconds,
    drainSeconds: sustained ? 2 : null,
    backlogStart: 0,
    backlogEnd: sustained ? 800 : (target - delivered) * seconds,
    backlogSlopePerS: sustained ? 3 : target - delivered,
    latencyMs: { probes: seconds * 3, p50, p99, max: p99 === null ? null : p99 * 1.4 },
    sustained,
    reason: sustained ? null : `backlog grew ${target - delivered} lines/s`,
    components: [
      { component: 'agent', cpuCores: target / 20_000, rssMiB: 180 },
      { component: 'stream', cpuCores: target / 15_000, rssMiB: 320 },
    ],
  };
}

/** An end-to-end run: 4k, 8k and 12k sustained, 16k not, then the 180 s confirmation at 12k. */
export function e2eFixture(createdAt = '2026-12-01T17:00:00.000Z'): E2eResult {
  const ramp = [step(4000, 4000, 420, 900, true), step(8000, 8000, 510, 1100, true), step(12_000, 11_950, 640, 1380, true), step(16_000, 13_100, 2300, 9800, false)];
  const series: { t: number; target: number; written: number; delivered: number; backlog: number }[] = [];
  let t = 0;
  let backlog = 0;
  for (const s of [...ramp, step(12_000, 12_000, 660, 1420, true, 180)]) {
    for (let i = 0; i < s.seconds; i++, t++) {
      // Delivery lags the writes by a second or so, with a little jitter; a step that is not sustained piles up.
      const wobble = ((t * 7919) % 11) - 5;
      const written = s.targetLogsPerS + wobble * 20;
      const delivered = i === 0 ? s.deliveredLogsPerS * 0.6 : s.deliveredLogsPerS + wobble * 30;
      backlog = Math.max(0, backlog + written - delivered);
      series.push({ t, target: s.targetLogsPerS, written, delivered, backlog });
    }
    if (!s.sustained) backlog = 0;
  }
  return {
    format: 'sawmill-e2e-bench/1',
    created_at: createdAt,
    machine: { cores: 2, memoryGiB: 8, node: 'v20.18.0', loadAverage1m: 1.9 },
    settings: { rates: [4000, 8000, 12_000, 16_000], stepS: 60, confirmS: 180 },
    ramp,
    confirmation: step(12_000, 12_000, 660, 1420, true, 180),
    e2e: { sustained_logs_per_s: 12_000, p50_ms: 660, p99_ms: 1420 },
    series,
  };
}

/** The other stages' results, in the shapes their scripts write. */
export const STAGE_FIXTURES = {
  kafka: {
    format: 'sawmill-kafka-producer-perf/1',
    created_at: '2026-12-01T16:50:00.000Z',
    machine: { cpus: 2, memory_gib: 8, load_average_1m_start: 1, load_average_1m_end: 2 },
    settings: { topic: 'bench-kafka-perf-x', partitions: 12, records: 1_000_000, record_size_bytes: 560, producer: 'acks=all, gzip, idempotent, --throughput -1' },
    record_size: { sample_lines: 20_000, avg_line_bytes: 180, avg_avro_record_bytes: 560 },
    wall_seconds: 30,
    result: { records: 1_000_000, records_per_s: 40_000, mb_per_s: 21.4, latency_ms: { avg: 50, max: 400, p50: 17, p95: 240, p99: 306, p999: 343 } },
  },
  topology: {
    format: 'sawmill-topology-bench/1',
    comparisons: [
      { topology: 'stateless', guarantee: 'at_least_once', kafka_streams_records_per_s: 50_000, sawmill_records_per_s: 25_000, ratio: 0.5 },
      { topology: 'windowed', guarantee: 'at_least_once', kafka_streams_records_per_s: null, sawmill_records_per_s: 20_000, ratio: null },
    ],
  },
  agent: {
    benchmark: 'agent',
    runs: [
      { engine: 'kcat', lines_per_s: 60_000 },
      { engine: 'rsyslog', lines_per_s: 30_000 },
      { engine: 'agent', lines_per_s: 20_000 },
    ],
  },
  'sink-postgres': { bench: 'postgres-sink', sink: { copy: { rows: 1000, seconds: 0.1, rows_per_s: 10_000 }, copy_steady: { rows: 1000, seconds: 0.08, rows_per_s: 12_500 } }, psql_copy: { rows: 1000, seconds: 0.05, rows_per_s: 20_000 } },
  'sink-opensearch': { bench: 'opensearch-sink', sink: { docs_per_s: 8000 }, bulk_helper_concurrency_5: { docs_per_s: 10_000 }, bulk_helper_concurrency_1: { docs_per_s: 6000 } },
  api: {
    bench: 'api',
    results: [
      { name: 'search', target: 'api', baseline_of: null, latency_ms: { p50: 12, p90: 20, p99: 40, max: 80, mean: 14 } },
      { name: 'search', target: 'opensearch', baseline_of: 'search', latency_ms: { p50: 8, p90: 15, p99: 30, max: 60, mean: 9 } },
      { name: 'stats-volume-24h', target: 'api', baseline_of: null, latency_ms: { p50: 5, p90: 7, p99: 9, max: 12, mean: 5 } },
    ],
  },
} as const;
