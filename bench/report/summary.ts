/**
 * The summary of one `make bench` run (bench/results/summary.json, format `sawmill-bench-summary/1`):
 * every stage's status and elapsed time, every Sawmill figure beside its baseline from the same
 * run with the ratio, and the end-to-end headline against the requirement and the goal.
 */
import type { ScenarioResult } from '../api/run-scenario.js';
import type { E2eResult } from '../e2e/e2e-result.js';
import type { KafkaProducerPerfResult } from '../kafka/producer-perf-result.js';
import type { TopologyBenchResult } from '../topology/bench-result.js';
import { STAGES, type Stage, type StageFile } from './stage-files.js';
import type { StageOutcome } from './stage-log.js';

/** The seed's requirement and the goal, end to end. */
export const REQUIRED_LOGS_PER_S = 10_000;
export const GOAL_LOGS_PER_S = 30_000;
export const GOAL_P99_MS = 1_500;

/** What became of one stage in this run. */
export interface StageStatus {
  readonly stage: Stage;
  readonly title: string;
  /** ok: ran and wrote a fresh result; failed: exited non-zero or its result is unreadable; not run: no fresh result. */
  readonly status: 'ok' | 'failed' | 'not run';
  readonly exit_code: number | null;
  readonly seconds: number | null;
  readonly file: string | null;
  readonly note: string | null;
}

/** One Sawmill figure beside its baseline. */
export interface Comparison {
  readonly stage: Stage;
  /** What is compared, e.g. "windowed, exactly_once". */
  readonly what: string;
  readonly unit: string;
  readonly sawmill: number;
  readonly baseline_name: string;
  readonly baseline: number;
  /** sawmill / baseline, 3 decimals. */
  readonly ratio: number;
  /** Whether a higher figure is better (throughput) or a lower one (latency). */
  readonly better: 'higher' | 'lower';
}

/** The end-to-end headline. */
export interface E2eHeadline {
  readonly sustained_logs_per_s: number;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly required_logs_per_s: number;
  readonly goal_logs_per_s: number;
  readonly goal_p99_ms: number;
  readonly meets_requirement: boolean;
  readonly meets_goal: boolean;
}

/** The whole summary document. */
export interface BenchSummary {
  readonly format: 'sawmill-bench-summary/1';
  readonly created_at: string;
  readonly run_started_at: string;
  readonly total_seconds: number | null;
  readonly stages: readonly StageStatus[];
  readonly comparisons: readonly Comparison[];
  readonly e2e: E2eHeadline | null;
}

const TITLES: Record<Stage, string> = {
  kafka: 'Kafka raw limit (kafka-producer-perf-test)',
  topology: 'Topology vs Kafka Streams',
  agent: 'Agent vs kcat -P and rsyslog',
  'sink-postgres': 'PostgreSQL sink vs psql \\copy',
  'sink-opensearch': 'OpenSearch sink vs plain bulk',
  api: 'API search vs OpenSearch direct',
  e2e: 'End to end (agent → Kafka → stream → both sinks)',
};

/** A figure worth comparing: a finite positive number. */
function positive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function compare(stage: Stage, what: string, unit: string, better: 'higher' | 'lower', sawmill: unknown, baselineName: string, baseline: unknown): Comparison[] {
  if (!positive(sawmill) || !positive(baseline)) return [];
  return [{ stage, what, unit, sawmill, baseline_name: baselineName, baseline, ratio: Number((sawmill / baseline).toFixed(3)), better }];
}

/** The agent bench's result (bench/agent/bench.ts writes it; its type is private there). */
interface AgentResult {
  readonly runs: readonly { readonly engine: string; readonly lines_per_s: number }[];
}
/** The sink benches' results, as their scripts print them. */
interface PostgresSinkResult {
  readonly sink: Readonly<Record<string, { readonly rows_per_s: number }>>;
  readonly psql_copy: { readonly rows_per_s: number };
}
interface OpenSearchSinkResult {
  readonly sink: { readonly docs_per_s: number };
  readonly bulk_helper_concurrency_5: { readonly docs_per_s: number };
}
interface ApiResult {
  readonly results: readonly ScenarioResult[];
}

/** The comparisons one stage's fresh result yields; `kafka` is the producer-perf result when fresh (the agent's third baseline). */
function stageComparisons(stage: Stage, data: unknown, kafka: KafkaProducerPerfResult | undefined): Comparison[] {
  switch (stage) {
    case 'kafka':
      return [];
    case 'topology':
      return (data as TopologyBenchResult).comparisons.flatMap((c) =>
        compare(stage, `${c.topology}, ${c.guarantee}`, 'records/s', 'higher', c.sawmill_records_per_s, 'Kafka Streams', c.kafka_streams_records_per_s),
      );
    case 'agent': {
      const runs = (data as AgentResult).runs;
      const rate = (engine: string): number | undefined => runs.find((r) => r.engine === engine)?.lines_per_s;
      const agent = rate('agent');
      return [
        ...compare(stage, 'file to acked in Kafka', 'lines/s', 'higher', agent, 'kcat -P', rate('kcat')),
        ...compare(stage, 'file to acked in Kafka', 'lines/s', 'higher', agent, 'rsyslog imfile→omkafka', rate('rsyslog')),
        ...compare(stage, 'to acked in Kafka', 'lines/s', 'higher', agent, 'kafka-producer-perf-test', kafka?.result.records_per_s),
      ];
    }
    case 'sink-postgres': {
      const result = data as PostgresSinkResult;
      return Object.entries(result.sink).flatMap(([method, m]) =>
        compare(stage, `sink (${method.replace(/_steady$/, ', steady state')})`, 'rows/s', 'higher', m.rows_per_s, 'psql \\copy', result.psql_copy.rows_per_s),
      );
    }
    case 'sink-opensearch': {
      const result = data as OpenSearchSinkResult;
      return compare(stage, 'sink (steady state)', 'docs/s', 'higher', result.sink.docs_per_s, 'bulk helper, 5 concurrent', result.bulk_helper_concurrency_5.docs_per_s);
    }
    case 'api': {
      const results = (data as ApiResult).results;
      return results
        .filter((r) => r.target === 'opensearch' && r.baseline_of !== null)
        .flatMap((direct) => {
          const api = results.find((r) => r.target === 'api' && r.name === direct.baseline_of);
          if (api === undefined) return [];
          return [
            ...compare(stage, `${api.name} p50`, 'ms', 'lower', api.latency_ms.p50, 'OpenSearch direct', direct.latency_ms.p50),
            ...compare(stage, `${api.name} p99`, 'ms', 'lower', api.latency_ms.p99, 'OpenSearch direct', direct.latency_ms.p99),
          ];
        });
    }
    case 'e2e': {
      const e2e = (data as E2eResult).e2e;
      return [
        ...compare(stage, 'sustained', 'logs/s', 'higher', e2e.sustained_logs_per_s, 'requirement', REQUIRED_LOGS_PER_S),
        ...compare(stage, 'sustained', 'logs/s', 'higher', e2e.sustained_logs_per_s, 'goal', GOAL_LOGS_PER_S),
        ...compare(stage, 'p99 ingest-to-searchable', 'ms', 'lower', e2e.p99_ms, 'goal', GOAL_P99_MS),
      ];
    }
  }
}

/** Builds the summary from the stage files found and the stage log (either may lack a stage). */
export function buildSummary({
  files,
  outcomes,
  runStartedAt,
  now = new Date(),
}: {
  files: readonly StageFile[];
  outcomes: readonly StageOutcome[];
  runStartedAt: Date;
  now?: Date;
}): BenchSummary {
  const fileOf = (stage: Stage): StageFile | undefined => files.find((f) => f.stage === stage);
  const kafkaFile = fileOf('kafka');
  const kafka = kafkaFile?.state === 'fresh' ? (kafkaFile.data as KafkaProducerPerfResult) : undefined;
  const stages: StageStatus[] = [];
  const comparisons: Comparison[] = [];
  let e2e: E2eHeadline | null = null;
  for (const stage of STAGES) {
    const file = fileOf(stage);
    const outcome = outcomes.find((o) => o.stage === stage);
    const base = { stage, title: TITLES[stage], exit_code: outcome?.exitCode ?? null, seconds: outcome?.seconds ?? null, file: file !== undefined && file.state !== 'missing' ? file.file : null };
    if (file === undefined || file.state === 'missing' || file.state === 'stale') {
      const why = file?.state === 'stale' ? `newest result is from ${file.modifiedAt.toISOString()}, before this run` : 'no result file';
      stages.push({ ...base, file: null, status: outcome !== undefined && outcome.exitCode !== 0 ? 'failed' : 'not run', note: why });
      continue;
    }
    if (file.state === 'unreadable') {
      stages.push({ ...base, status: 'failed', note: `result unreadable: ${file.error}` });
      continue;
    }
    let found: Comparison[];
    try {
      found = stageComparisons(stage, file.data, kafka);
      if (stage === 'e2e') {
        const h = (file.data as E2eResult).e2e;
        e2e = {
          sustained_logs_per_s: h.sustained_logs_per_s,
          p50_ms: h.p50_ms,
          p99_ms: h.p99_ms,
          required_logs_per_s: REQUIRED_LOGS_PER_S,
          goal_logs_per_s: GOAL_LOGS_PER_S,
          goal_p99_ms: GOAL_P99_MS,
          meets_requirement: h.sustained_logs_per_s >= REQUIRED_LOGS_PER_S,
          meets_goal: h.sustained_logs_per_s >= GOAL_LOGS_PER_S && h.p99_ms !== null && h.p99_ms <= GOAL_P99_MS,
        };
      }
    } catch (error) {
      stages.push({ ...base, status: 'failed', note: `result not in the expected format: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    comparisons.push(...found);
    const failed = outcome !== undefined && outcome.exitCode !== 0;
    stages.push({ ...base, status: failed ? 'failed' : 'ok', note: failed ? `exited ${outcome.exitCode}; figures below are from its partial result` : null });
  }
  const total = outcomes.reduce((sum, o) => sum + o.seconds, 0);
  return {
    format: 'sawmill-bench-summary/1',
    created_at: now.toISOString(),
    run_started_at: runStartedAt.toISOString(),
    total_seconds: outcomes.length === 0 ? null : Number(total.toFixed(1)),
    stages,
    comparisons,
    e2e,
  };
}

/** Relative performance for charts: above 1 means Sawmill did better than the baseline, whichever way "better" points. */
export function relativePerformance(c: Comparison): number {
  return c.better === 'higher' ? c.ratio : Number((1 / c.ratio).toFixed(3));
}
