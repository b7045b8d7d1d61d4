/**
 * The failure drills' shared vocabulary (test/drills/*.test.ts). One drill = one DrillStack
 * (its own topics, consumer groups, PostgreSQL database, OpenSearch index prefix and Sawmill
 * processes, all spawned as real `sawmill` child processes), one DrillLoad writing numbered lines
 * into files the drill's agent tails, faults injected while the load runs, then the ledger check:
 * every line the agent acknowledged is in OpenSearch and in PostgreSQL exactly once.
 *
 * Two sizes, chosen by DRILL_SCALE: `short` (the default, in `make test`: a few thousand lines/s
 * for tens of seconds, faults shortened) and `full` (`make drills`: 10,000 lines/s, the durations
 * the issue names). Drills read their numbers from `drillScale()` and never hard-code either.
 */

/** The Sawmill processes a drill can run, kill and restart. */
export type DrillService = 'agent' | 'stream' | 'sink-postgres' | 'sink-opensearch' | 'api';

/** Sizes of one drill run (see drillScale in drill-scale.ts). */
export interface DrillScale {
  readonly name: 'short' | 'full';
  /** Base rate of the load, lines/s (full: 10,000). */
  readonly baseLogsPerS: number;
  /**
   * Base rate of the traffic-spike drill, lines/s (full: 10,000). Its backlog must come back to
   * the baseline while the load continues at this rate, so it must sit below the rate the pipeline
   * sustains: short 600 (the 15 s spike at 3,000 lines/s adds 45,000 lines to work off).
   */
  readonly spikeBaseLogsPerS: number;
  /** How long the load runs, ms. */
  readonly loadMs: number;
  /** Length of an outage (a store stopped, a broker down), ms (full: 60,000). */
  readonly outageMs: number;
  /** Deadline for the backlog to drain after the load ends, ms. */
  readonly drainTimeoutMs: number;
}

/** Where a drill's stack runs. */
export interface DrillStackOptions {
  /** Short name, part of every topic, group, database and index name (lower case, digits, dashes). */
  readonly name: string;
  /** Kafka bootstrap; default the shared broker (KAFKA_BROKERS or 127.0.0.1:9092). */
  readonly brokers?: readonly string[];
  /** Replication of the drill's topics and `min.insync.replicas`; default 1 / 1 (3 / 2 on a three-broker cluster). */
  readonly replicationFactor?: number;
  readonly minInsyncReplicas?: number;
  /** Partitions of the raw and enriched topics; default 6. */
  readonly partitions?: number;
  /** The agent's spool directory (e.g. on a small tmpfs); default a temp dir. */
  readonly agentSpoolDir?: string;
  /** Also run the API (traffic spike drill); default false. */
  readonly withApi?: boolean;
  /** PostgreSQL tablespace for the drill's database (disk-full drill); default none. */
  readonly postgresTablespace?: string;
}

/** A running drill stack. */
export interface DrillStack {
  readonly name: string;
  /** Directory the agent tails (`<dir>/*.log`): DrillLoad writes here. */
  readonly logDir: string;
  /** The agent's id, for event ids (agent/tail/event-id.ts). */
  readonly agentId: string;
  /** The agent's checkpoint file: the stream id of every file and its acknowledged offset (drill-ledger reads it). */
  readonly agentCheckpointPath: string;
  /** Topic names of this drill. */
  readonly topics: { readonly raw: string; readonly enriched: string; readonly deadLetter: string; readonly stats: string; readonly alerts: string; readonly alertRules: string };
  /** postgres://… URL of the drill's own database (migrated). */
  readonly postgresUrl: string;
  /** OpenSearch index pattern of the drill's logs (`<prefix>-*`). */
  readonly indexPattern: string;
  /** Base URL of the API when `withApi`, with an admin bearer token. */
  readonly api?: { readonly url: string; readonly token: string };
  /** Spawns every service (agent last) and waits until each /readyz answers. */
  start(): Promise<void>;
  /** SIGKILL one service (no cleanup) and wait for its exit. */
  kill(service: DrillService): Promise<void>;
  /** Spawn a killed or stopped service again and wait until ready. */
  restart(service: DrillService): Promise<void>;
  /** The pid of a running service (undefined when not running). */
  pid(service: DrillService): number | undefined;
  /** One service's /metrics text. */
  metrics(service: DrillService): Promise<string>;
  /** Total consumer lag (records) of a service's consumer groups: stream on raw, each sink on enriched. */
  lag(service: 'stream' | 'sink-postgres' | 'sink-opensearch'): Promise<number>;
  /** Waits until the agent has acknowledged every line written so far and every lag is 0, or throws naming what is behind at `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  /** The last output of every service, for failure messages. */
  output(): string;
  /** Stops every service and removes topics, groups, database and indices. */
  destroy(): Promise<void>;
}

/** Numbered lines at a paced rate into the stack's log directory. Line n carries `drill=<name> seq=<n>`. */
export interface DrillLoad {
  /** Changes the rate while running (traffic spike). */
  setRate(logsPerS: number): void;
  /** Lines written so far. */
  written(): number;
  /** Stops writing (after the current batch) and resolves with the total written. */
  stop(): Promise<number>;
}

/** Result of the ledger check of one store. */
export interface StoreLedger {
  readonly store: 'opensearch' | 'postgres';
  /** Lines acknowledged to the agent (every line written, once drained). */
  readonly expected: number;
  /** Expected event ids not found, and ids found more than once (by event id and by seq), with up to 10 examples each. */
  readonly missing: number;
  readonly duplicated: number;
  readonly missingExamples: readonly string[];
  readonly duplicatedExamples: readonly string[];
}

/** The ledger of one drill: both stores. `assertLedgerClean` fails the test with the numbers unless every count is 0. */
export interface DrillLedger {
  readonly drill: string;
  readonly opensearch: StoreLedger;
  readonly postgres: StoreLedger;
}
