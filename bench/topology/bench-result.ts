/**
 * The topology benchmark's result format (bench/results/topology-<timestamp>.json) and its Markdown
 * rendering: every run of every engine, then one row per (topology, guarantee) with both engines
 * side by side and the ratio Sawmill / Kafka Streams.
 */
import type { OutputCheck } from './check-output.js';

/** Engines compared. */
export type Engine = 'kafka-streams' | 'sawmill';
/** The two benchmark topologies. */
export type BenchTopology = 'stateless' | 'windowed';
/** Processing guarantees, Sawmill's spelling (Kafka Streams runs `exactly_once_v2` for `exactly_once`). */
export type BenchGuarantee = 'at_least_once' | 'exactly_once';

/** One engine's run of one topology: the JSON line both runners print, plus the output check. */
export interface EngineRun {
  readonly engine: Engine;
  readonly topology: BenchTopology;
  readonly guarantee: BenchGuarantee;
  /** input records processed */
  readonly records: number;
  /** seconds from the first to the last input record processed (startup and shutdown excluded) */
  readonly seconds: number;
  readonly records_per_s: number;
  /** engine-specific extras (startup_seconds, close_seconds, application_id, ...) */
  readonly details?: Readonly<Record<string, unknown>>;
  /** the output compared with the ground truth; absent when checks were skipped */
  readonly check?: OutputCheck;
  /** why the run has no numbers (engine skipped or failed) */
  readonly error?: string;
}

/** Both engines on one (topology, guarantee). */
export interface Comparison {
  readonly topology: BenchTopology;
  readonly guarantee: BenchGuarantee;
  readonly kafka_streams_records_per_s: number | null;
  readonly sawmill_records_per_s: number | null;
  /** sawmill / kafka-streams throughput; null when either side is missing */
  readonly ratio: number | null;
}

/** The whole result file. */
export interface TopologyBenchResult {
  readonly format: 'sawmill-topology-bench/1';
  readonly created_at: string;
  readonly machine: { readonly cpus: number; readonly memory_gib: number; readonly node: string; readonly load_average_1m: number };
  readonly input: {
    readonly topic: string;
    readonly records: number;
    readonly partitions: number;
    readonly seed: number;
    readonly span_ms: number;
    readonly load_seconds: number | null;
    readonly truth_path: string;
  };
  readonly settings: { readonly window_ms: number; readonly grace_ms: number; readonly commit_interval_ms: number };
  readonly runs: readonly EngineRun[];
  readonly comparisons: readonly Comparison[];
}

/** Pairs the engines' runs per (topology, guarantee), in the order the runs appear. */
export function compareRuns(runs: readonly EngineRun[]): Comparison[] {
  const keys: string[] = [];
  for (const r of runs) {
    const key = `${r.topology}/${r.guarantee}`;
    if (!keys.includes(key)) keys.push(key);
  }
  return keys.map((key) => {
    const [topology, guarantee] = key.split('/') as [BenchTopology, BenchGuarantee];
    const rate = (engine: Engine): number | null => {
      const run = runs.find((r) => r.engine === engine && r.topology === topology && r.guarantee === guarantee && r.error === undefined);
      return run === undefined ? null : run.records_per_s;
    };
    const ks = rate('kafka-streams');
    const sawmill = rate('sawmill');
    return {
      topology,
      guarantee,
      kafka_streams_records_per_s: ks,
      sawmill_records_per_s: sawmill,
      ratio: ks !== null && sawmill !== null && ks > 0 ? Number((sawmill / ks).toFixed(3)) : null,
    };
  });
}

function checkCell(run: EngineRun | undefined): string {
  if (run === undefined) return 'not run';
  if (run.error !== undefined) return 'skipped (see below)';
  if (run.check === undefined) return 'not checked';
  return run.check.exact ? 'exact' : `MISMATCH (${run.check.mismatchedWindows !== undefined ? `${run.check.mismatchedWindows} windows` : `${run.check.outputRecords} records`})`;
}

/** Renders the comparisons as a Markdown table (throughput, ratio, whether each output matched the truth). */
export function renderMarkdown(result: TopologyBenchResult): string {
  const n = (v: number | null): string => (v === null ? '–' : Math.round(v).toLocaleString('en-US'));
  const lines = [
    `Topology benchmark, ${result.input.records.toLocaleString('en-US')} records on ${result.input.partitions} partitions` +
      ` (${result.machine.cpus} cores, load ${result.machine.load_average_1m.toFixed(1)}), ${result.created_at}`,
    '',
    '| topology | guarantee | Kafka Streams rec/s | Sawmill rec/s | Sawmill / KS | KS output | Sawmill output |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const c of result.comparisons) {
    const find = (engine: Engine): EngineRun | undefined =>
      result.runs.find((r) => r.engine === engine && r.topology === c.topology && r.guarantee === c.guarantee);
    lines.push(
      `| ${c.topology} | ${c.guarantee} | ${n(c.kafka_streams_records_per_s)} | ${n(c.sawmill_records_per_s)} | ` +
        `${c.ratio === null ? '–' : c.ratio.toFixed(2)} | ${checkCell(find('kafka-streams'))} | ${checkCell(find('sawmill'))} |`,
    );
  }
  const skipped = [...new Set(result.runs.filter((r) => r.error !== undefined).map((r) => `${r.engine}: ${r.error ?? ''}`))];
  if (skipped.length > 0) lines.push('', ...skipped.map((s) => `- skipped ${s}`));
  return `${lines.join('\n')}\n`;
}
