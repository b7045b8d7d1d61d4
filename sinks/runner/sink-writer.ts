/**
 * The contract between the sink runner (sinks/runner/) and one store (sinks/opensearch/,
 * sinks/postgres/). The runner owns the consumer group, batching, pausing, retries, offset
 * commits, the DLQ and metrics; a writer only turns a batch of decoded records into one durable
 * write and says, per record, how it went. A writer never commits offsets and never retries.
 * The runner may call `write` for up to `maxInFlightBatches` batches at once (default 1); a
 * writer whose outcome depends on the order of writes across batches must be run with 1.
 */

/** One decoded Kafka record handed to a writer. */
export interface SinkRecord<T> {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offset as a decimal string (kafkajs' representation). */
  readonly offset: string;
  readonly key: string | null;
  readonly value: T;
  /** Kafka record timestamp in milliseconds. */
  readonly timestampMs: number;
}

/** The outcome of one record of a batch. */
export type SinkItemResult =
  /** Durably stored now, or found already stored (a replay or a redelivery): both count as done. */
  | { readonly status: 'stored' | 'duplicate' }
  /** The store refused this record for a reason that a retry cannot fix (mapping error, constraint): dead-letter it. */
  | { readonly status: 'rejected'; readonly reason: string }
  /** This record failed for a transient reason (429, a shard unavailable): the runner retries it with backoff, never dead-letters it. */
  | { readonly status: 'retry'; readonly reason: string };

/**
 * Writes batches to one store. `write` resolves with one result per record, in order, once the
 * store confirmed them; it throws a retriable error (lib/errors.ts, `isRetriable`) when the whole
 * batch failed transiently (connection lost, 5xx, timeout), and the runner retries the batch.
 */
export interface SinkWriter<T> {
  /** Short name used in the consumer group (`sawmill-sink-<name>`), metrics and logs. */
  readonly name: string;
  /** Prepares the store (templates, migrations, partitions); called before consuming starts, retried by the runner while retriable. */
  start(): Promise<void>;
  /** Stores a batch; see the interface comment for the error contract. */
  write(records: readonly SinkRecord<T>[]): Promise<SinkItemResult[]>;
  /** Readiness of the store, for `/readyz`. */
  checkReady(): Promise<void>;
  /** Releases connections; the runner has stopped consuming. */
  close(): Promise<void>;
}
