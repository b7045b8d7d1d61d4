/**
 * AlertRulesTable: the compacted `alert-rules` topic read as a table in this process (what Kafka
 * Streams calls a GlobalKTable, which the topology library does not have). Every stream instance
 * reads every partition from the beginning, with its own throw-away consumer group that never
 * commits, keeps the latest rule per key (a null value deletes it) and serves them to
 * anomaly-detect as an AlertRuleCatalog. `start()` resolves once the table holds everything that
 * was in the topic when it started (the end offsets seen at start), like a GlobalKTable bootstrap.
 *
 * Bad records never stop the table: a value that is not Avro of a known schema, or whose `id` is not
 * its key, is skipped with a warning and `sawmill_stream_alert_rules_rejected_total`; the rule keeps
 * its previous version. A registry outage is retried through lib/retry.ts.
 */
import { randomUUID } from 'node:crypto';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Counter, Registry } from 'prom-client';
import { SawmillError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { metricName } from '../lib/metrics.js';
import { retry } from '../lib/retry.js';
import { topicValueSchema, type AlertRule } from '../schemas/log-schemas.js';
import { SerializationError, Serdes, type Serde } from '../topology/index.js';
import { registeredCounter } from './anomaly/registered-counter.js';
import type { AlertRuleCatalog } from './anomaly/rule-catalog.js';

/** Options of AlertRulesTable. */
export interface AlertRulesTableOptions {
  /** The kafkajs client (lib/kafka/client.ts createKafka). */
  kafka: Kafka;
  /** The schema registry client the Avro values are decoded through. */
  registry: SchemaRegistry;
  /** Topic to read; default `alert-rules`. */
  topic?: string;
  /** Prefix of the consumer group, suffixed with a random id per instance; default `sawmill-alert-rules-table`. */
  groupIdPrefix?: string;
  /** How long `start()` waits to catch up before rejecting; default 60 000 ms. */
  startTimeoutMs?: number;
  logger: Logger;
  /** Registry for `sawmill_stream_alert_rules_rejected_total`; none when omitted. */
  metrics?: Registry;
}

/** `start()` could not load the table (topic missing, broker unreachable, timeout). */
export class AlertRulesTableError extends SawmillError {}

/** See the file header. */
export class AlertRulesTable implements AlertRuleCatalog {
  private readonly topic: string;
  private readonly serde: Serde<AlertRule>;
  private readonly byId = new Map<string, AlertRule>();
  private snapshot: readonly AlertRule[] = [];
  private consumer: Consumer | undefined;
  private readonly rejected: Counter<string> | undefined;
  /** Next offset to read per partition, and the end offsets to reach before `start()` resolves. */
  private readonly positions = new Map<number, number>();
  private targets = new Map<number, number>();
  private caughtUp: (() => void) | undefined;
  private failed: ((error: Error) => void) | undefined;
  private stopped = false;

  constructor(private readonly options: AlertRulesTableOptions) {
    this.topic = options.topic ?? 'alert-rules';
    // The subject only matters for registering (never done here): decoding goes by schema id.
    this.serde = Serdes.Avro<AlertRule>({ registry: options.registry, schema: topicValueSchema('alert-rules'), subject: 'alert-rules-value' });
    this.rejected = options.metrics
      ? registeredCounter(options.metrics, metricName('stream', 'alert_rules_rejected_total'), 'alert-rules records skipped because they could not be decoded or their id was not their key.', ['reason'])
      : undefined;
  }

  /** The current rules (a new array after every change, the same one otherwise). */
  rules(): readonly AlertRule[] {
    return this.snapshot;
  }

  /** The current rule `id`, undefined when absent or deleted. */
  get(id: string): AlertRule | undefined {
    return this.byId.get(id);
  }

  /** Starts reading from the beginning; resolves once every record present at start was applied. Rejects with AlertRulesTableError. */
  async start(): Promise<void> {
    if (this.consumer) throw new AlertRulesTableError('AlertRulesTable.start() called twice');
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      // kafkajs retries metadata of a missing topic for minutes: fail at once instead.
      if (!(await admin.listTopics()).includes(this.topic)) throw new AlertRulesTableError(`topic ${this.topic} does not exist`, { retriable: true });
      const offsets = await admin.fetchTopicOffsets(this.topic);
      this.targets = new Map(offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
    } catch (error) {
      if (error instanceof AlertRulesTableError) throw error;
      throw new AlertRulesTableError(`cannot read the end offsets of ${this.topic}: ${(error as Error).message}`, { cause: error, retriable: true });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const loaded = new Promise<void>((resolve, reject) => {
      this.caughtUp = resolve;
      this.failed = reject;
    });
    const consumer = this.options.kafka.consumer({ groupId: `${this.options.groupIdPrefix ?? 'sawmill-alert-rules-table'}-${randomUUID()}`, allowAutoTopicCreation: false });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.failed?.(new AlertRulesTableError(`alert-rules consumer crashed: ${payload.error.message}`, { cause: payload.error }));
    });
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    const timer = setTimeout(() => this.failed?.(new AlertRulesTableError(`alert-rules table did not catch up with ${this.topic} within ${timeoutMs} ms`, { retriable: true })), timeoutMs);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
      this.checkCaughtUp();
      await loaded;
      this.options.logger.info({ topic: this.topic, rules: this.byId.size }, 'alert-rules table loaded');
    } catch (error) {
      await this.stop();
      throw error instanceof AlertRulesTableError ? error : new AlertRulesTableError(`cannot start the alert-rules table: ${(error as Error).message}`, { cause: error, retriable: true });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops reading and leaves the consumer group; the rules stay readable. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.consumer?.disconnect().catch((error: unknown) => this.options.logger.warn({ err: error }, 'alert-rules table: disconnect failed'));
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      await this.apply(batch.partition, message.offset, message.key, message.value);
    }
    const next = Number(batch.lastOffset()) + 1;
    this.positions.set(batch.partition, Math.max(this.positions.get(batch.partition) ?? 0, next));
    this.checkCaughtUp();
    await heartbeat();
  }

  /** Applies one record; never throws for a bad record. */
  private async apply(partition: number, offset: string, keyBytes: Buffer | null, value: Buffer | null): Promise<void> {
    const where = { topic: this.topic, partition, offset };
    if (keyBytes === null) return this.reject('null-key', where, 'record without a key');
    const key = keyBytes.toString('utf8');
    if (value === null) {
      if (this.byId.delete(key)) this.refresh();
      this.options.logger.info({ ...where, rule_id: key }, 'alert rule deleted');
      return;
    }
    let rule: AlertRule | null;
    try {
      await retry(() => this.serde.prepare!(this.topic, value), { retries: 8, onRetry: ({ error }) => this.options.logger.warn({ ...where, err: error }, 'schema registry unavailable; retrying') });
      rule = this.serde.deserialize(this.topic, value);
    } catch (error) {
      if (error instanceof SerializationError) return this.reject('undecodable', where, error.message);
      throw error;
    }
    if (rule === null || rule.id !== key) return this.reject('id-mismatch', where, `value id ${JSON.stringify(rule?.id)} is not the key ${JSON.stringify(key)}`);
    this.byId.set(key, rule);
    this.refresh();
    this.options.logger.info({ ...where, rule_id: key, kind: rule.kind, enabled: rule.enabled }, 'alert rule updated');
  }

  private reject(reason: string, where: { topic: string; partition: number; offset: string }, detail: string): void {
    this.rejected?.inc({ reason });
    this.options.logger.warn({ ...where, reason, detail }, 'alert-rules record skipped');
  }

  private checkCaughtUp(): void {
    if (this.caughtUp === undefined) return;
    for (const [partition, target] of this.targets) if ((this.positions.get(partition) ?? 0) < target) return;
    const done = this.caughtUp;
    this.caughtUp = undefined;
    done();
  }

  private refresh(): void {
    this.snapshot = [...this.byId.values()];
  }
}
