/**
 * The result document of the end-to-end benchmark (bench/e2e), format `sawmill-e2e-bench/1`:
 * agent file → Kafka → stream → both sinks, ramped step by step to find the highest rate the
 * whole pipeline sustains with zero loss and bounded lag. Written to
 * `bench/results/e2e-<timestamp>.json` and `bench/results/e2e.json` (latest); the summary
 * (bench/report) reads it beside the per-stage results.
 */

/** CPU and memory of one component over one step, from /proc of the pid the stack recorded. */
export interface ComponentUsage {
  /** Stack component name: agent, kafka-node1, stream, sink-postgres, sink-opensearch, opensearch, postgres, registry, generator. */
  readonly component: string;
  /** CPU cores used on average over the step (user + system ticks / wall seconds). */
  readonly cpuCores: number;
  /** Resident memory at the end of the step, MiB (the largest sample over the step). */
  readonly rssMiB: number;
}

/** One step of the ramp: a target rate held for `seconds`. */
export interface E2eStep {
  /** Lines per second the generator was asked to write. */
  readonly targetLogsPerS: number;
  /** Lines actually written per second (the generator may fall behind on a busy machine). */
  readonly writtenLogsPerS: number;
  /** Lines written in this step; every one carries the step's run marker. */
  readonly written: number;
  /** Documents of this step found in OpenSearch / rows in PostgreSQL once drained (or at the deadline). */
  readonly storedOpenSearch: number;
  readonly storedPostgres: number;
  /** Lines per second that reached both stores, measured over the step (the slower store). */
  readonly deliveredLogsPerS: number;
  /** Seconds the step ran, and seconds it took afterwards for the backlog to drain (null when it did not within the deadline). */
  readonly seconds: number;
  readonly drainSeconds: number | null;
  /** End-to-end backlog (lines written but not yet in both stores) at the start and end of the step, and its least-squares slope over the second half in lines/s. */
  readonly backlogStart: number;
  readonly backlogEnd: number;
  readonly backlogSlopePerS: number;
  /** Ingest-to-searchable latency of probe lines written during the step (write to first found by a search), ms. */
  readonly latencyMs: { readonly probes: number; readonly p50: number | null; readonly p99: number | null; readonly max: number | null };
  /** Bounded lag and zero loss: the step counts as sustained. */
  readonly sustained: boolean;
  /** Why not sustained, in words (e.g. "backlog grew 812 lines/s", "3 lines missing in OpenSearch"). */
  readonly reason: string | null;
  readonly components: readonly ComponentUsage[];
}

/** The whole end-to-end result. */
export interface E2eResult {
  readonly format: 'sawmill-e2e-bench/1';
  readonly created_at: string;
  readonly machine: { readonly cores: number; readonly memoryGiB: number; readonly node: string; readonly loadAverage1m: number };
  readonly settings: Record<string, unknown>;
  /** The ramp, in order; then the confirmation run at the highest sustained rate (at least 180 s). */
  readonly ramp: readonly E2eStep[];
  readonly confirmation: E2eStep | null;
  /** The headline: `e2e.sustained_logs_per_s`, with p50/p99 ingest-to-searchable at that rate. */
  readonly e2e: { readonly sustained_logs_per_s: number; readonly p50_ms: number | null; readonly p99_ms: number | null };
  /** Per-second time series of the whole run for the charts: t (s since start), target, written/s, delivered/s, backlog. */
  readonly series: readonly { readonly t: number; readonly target: number; readonly written: number; readonly delivered: number; readonly backlog: number }[];
}
