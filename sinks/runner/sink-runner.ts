/**
 * The sink runner: the one place that moves records from Kafka topics into a store through a
 * SinkWriter (sinks/runner/sink-writer.ts). It owns the consumer group (`sawmill-sink-<name>`),
 * batching by count, bytes and time, decoding, retries with backoff while the partitions are
 * paused, per-item outcomes, dead letters, offset commits (manual, only after the store confirmed
 * the write, per partition up to the highest offset below which everything is done) and metrics.
 * `sawmill sink <name>` runs it unbounded; `sawmill replay` runs it bounded with its own group id
 * and start position, so a projection is rebuilt with exactly the same code path.
 */
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.js';
import type { ReadinessCheck } from '../../lib/health-server.js';
import type { SinkWriter } from './sink-writer.js';
import { SinkRunnerImpl } from './internal/sink-runner-impl.js';
import { validateRunnerOptions } from './internal/validate-options.js';

export { sinkGroupId } from './sink-group-id.js';

/** Turns the bytes of one record into the writer's value; the topology library's `Serde<T>` (e.g. `Serdes.Avro`) fits as is. */
export interface SinkDecoder<T> {
  /** Async preparation (fetch the Avro writer schema by id); throws a retriable error when a service is down. */
  prepare?(topic: string, data: Buffer | null): Promise<void>;
  /** Decodes; throws a non-retriable error (SerializationError) on a poison record, which the runner dead-letters. */
  deserialize(topic: string, data: Buffer | null): T | null;
}

/** Where a consumer group starts reading. */
export type SinkStartPosition =
  /** The group's committed offsets; partitions without one start at the earliest retained record. The default. */
  | 'committed'
  /** The earliest retained record of every partition, whatever the group committed. */
  | 'earliest'
  /** The first record whose Kafka timestamp is >= timestampMs, per partition (ListOffsets by time). */
  | { readonly timestampMs: number }
  /** Explicit offsets; partitions not listed start at the earliest retained record. */
  | { readonly offsets: readonly { readonly topic: string; readonly partition: number; readonly offset: string }[] };

/** Batch limits: a batch is written as soon as one limit is reached. */
export interface SinkBatchOptions {
  /** Most records in one write. Default 2000. */
  readonly maxRecords?: number;
  /** Most value bytes in one write (sum of the Kafka value sizes). Default 4 MiB. */
  readonly maxBytes?: number;
  /** Longest a record waits for its batch to fill. Default 200 ms. */
  readonly maxWaitMs?: number;
}

/** Backoff of retriable failures; retries never end (a store that is down makes the lag grow, it never loses or dead-letters). */
export interface SinkRetryOptions {
  /** Upper bound of the first wait. Default 200 ms. */
  readonly initialDelayMs?: number;
  /** Upper bound of any wait. Default 10 000 ms. */
  readonly maxDelayMs?: number;
}

/** Options of `createSinkRunner`. */
export interface SinkRunnerOptions<T> {
  /** The store. Its `name` gives the default group id and the `sink` metric label. */
  readonly writer: SinkWriter<T>;
  /** kafkajs instance (lib/kafka/client.ts createKafka); the runner makes its consumer, producer and admin from it. */
  readonly kafka: Kafka;
  /** Topics to consume (at least one); all of them hold values `decoder` understands. */
  readonly topics: readonly string[];
  /** Value decoder (`Serdes.Avro<T>({ registry, schema })`). */
  readonly decoder: SinkDecoder<T>;
  /** Logger of the component; the runner adds `sink` to its lines. */
  readonly logger: Logger;
  /** Consumer group id. Default `sawmill-sink-<writer.name>`; `sawmill replay` passes its own. */
  readonly groupId?: string;
  /** Where the group starts; applied with the admin API before the consumer joins, so the group must have no live member. Default `committed`. */
  readonly startFrom?: SinkStartPosition;
  /**
   * Bounded mode (replay): the end offsets of every partition are captured at start; the runner
   * stops by itself once everything before them is done, and `done` resolves. Default false.
   */
  readonly bounded?: boolean;
  /** Dead-letter topic for poison records (reason in DLQ_HEADERS). Default `logs.dlq`. */
  readonly deadLetterTopic?: string;
  /** Batch limits. */
  readonly batch?: SinkBatchOptions;
  /** Retry backoff. */
  readonly retry?: SinkRetryOptions;
  /** Registry the `sawmill_sink_*` metrics are registered in (several runners may share one). Default: a private registry. */
  readonly registry?: Registry;
  /** How many partitions' fetched batches are accepted at once (they feed one shared batch). Default 16. */
  readonly partitionsConsumedConcurrently?: number;
  /** How often the consumer lag gauge is refreshed from the broker. Default 5000 ms; 0 disables it. */
  readonly lagIntervalMs?: number;
  /** Consumer session timeout. Default 30 000 ms. */
  readonly sessionTimeoutMs?: number;
  /**
   * Batches written at once (on separate store connections). Default 1. Offsets are still
   * committed in batch order; a writer whose result depends on the order of writes across
   * batches must be run with 1 (`sawmill sink postgres` runs its writers with 2).
   */
  readonly maxInFlightBatches?: number;
}

/** Counts since the runner started. */
export interface SinkRunStats {
  /** Records taken from Kafka (including redeliveries). */
  readonly consumed: number;
  /** Records the writer reported `stored`. */
  readonly stored: number;
  /** Records the writer reported `duplicate` (already in the store). */
  readonly duplicates: number;
  /** Records sent to the dead-letter topic. */
  readonly deadLettered: number;
  /** Retriable failures met (whole batches and single items). */
  readonly retries: number;
  /** Batches written. */
  readonly batches: number;
}

/** A running sink. */
export interface SinkRunner {
  /** The consumer group in use. */
  readonly groupId: string;
  /** Readiness checks for `/readyz`: the consumer is in its group, the store answers. */
  readonly readinessChecks: Readonly<Record<string, ReadinessCheck>>;
  /**
   * Settles when the runner stopped: resolves with the final counts after `stop()` or, in bounded
   * mode, once the end offsets captured at start are reached (the runner then stops by itself);
   * rejects when the runner failed (a non-retriable error in `writer.start`, a lost consumer).
   */
  readonly done: Promise<SinkRunStats>;
  /** Counts so far. */
  stats(): SinkRunStats;
  /** Stops consuming: the batch being written finishes (or is abandoned after `graceMs`, default 10 000, uncommitted), then the writer is closed; safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Prepares the writer (`start`, retried while retriable), applies the start position, joins the
 * consumer group and starts consuming; resolves once consuming started. Throws ConfigError at once
 * on bad options, and the writer's error when its start failed for a non-retriable reason (the
 * writer is closed then).
 */
export async function createSinkRunner<T>(options: SinkRunnerOptions<T>): Promise<SinkRunner> {
  const resolved = validateRunnerOptions(options);
  const runner = new SinkRunnerImpl<T>(resolved);
  try {
    await runner.start();
  } catch (error) {
    // Release what start opened (consumer, producer, admin, the writer's connections).
    await runner.stop(0);
    throw error;
  }
  return runner;
}
