/**
 * The sink runner's machinery (the public face is sinks/runner/sink-runner.ts). kafkajs hands
 * fetched batches to `onBatch` for up to `partitionsConsumedConcurrently` partitions at once; their
 * records join one shared buffer, which is written when it holds `maxRecords` records or
 * `maxBytes` bytes, or when its oldest record waited `maxWaitMs`. Flushes run one at a time, so per
 * partition records settle in offset order, and after each flush the runner commits, per
 * partition, the offset after the last record of the flush. An `onBatch` call returns (and
 * resolves its offsets in kafkajs) only once all its records are settled, so the fetch position
 * never passes a record that is not stored or dead-lettered.
 */
import type { Admin, Consumer, EachBatchPayload, IHeaders, Producer } from 'kafkajs';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { isRetriable, ServiceUnavailableError } from '../../../lib/errors.js';
import { producerDefaults, sendDefaults } from '../../../lib/kafka/client.js';
import type { Logger } from '../../../lib/logger.js';
import type { ReadinessCheck } from '../../../lib/health-server.js';
import { retry } from '../../../lib/retry.js';
import { DLQ_HEADERS } from '../../../topology/internal/bad-record-handling.js';
import type { SinkRunner, SinkRunStats } from '../sink-runner.js';
import type { SinkItemResult, SinkRecord } from '../sink-writer.js';
import { deletedPastEnd } from './deleted-past-end.js';
import { applyStartPosition, readPositions } from './start-position.js';
import { sinkMetrics, type SinkMetrics } from './sink-metrics.js';
import type { ResolvedRunnerOptions } from './validate-options.js';

/** One consumed record waiting in the buffer. */
interface Entry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly timestampMs: number;
  readonly size: number;
}

/** A record to dead-letter, with why. */
interface Poison {
  readonly entry: Entry;
  readonly reason: string;
}

interface Deferred<V> {
  promise: Promise<V>;
  resolve(value: V): void;
  reject(error: unknown): void;
}

function deferred<V>(): Deferred<V> {
  let resolve!: (value: V) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

// A reason is a header value shown to operators; a whole stack or a 1 MB value echoed back is not useful there.
const MAX_REASON_CHARS = 1000;
const HEARTBEAT_EVERY_MS = 3000;
// Bounded runs: how often the low watermarks are read again, to catch records deleted after start (one ListOffsets per topic).
const DELETED_CHECK_EVERY_MS = 5000;
/** Set on a dead letter sent without its value because value plus headers exceeded the broker's limit; the value stays in the source topic. */
export const VALUE_DROPPED_HEADER = 'x-sawmill-dlq-value-dropped-bytes';

/** See the file comment. */
export class SinkRunnerImpl<T> implements SinkRunner {
  readonly groupId: string;
  readonly readinessChecks: Readonly<Record<string, ReadinessCheck>>;
  readonly done: Promise<SinkRunStats>;

  private readonly options: ResolvedRunnerOptions<T>;
  private readonly log: Logger;
  private readonly metrics: SinkMetrics;
  private readonly sink: string;
  private readonly controller = new AbortController();
  private readonly finished = deferred<SinkRunStats>();
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private lagTimer: NodeJS.Timeout | undefined;
  private deletedCheckTimer: NodeJS.Timeout | undefined;

  private buffer: Entry[] = [];
  private bufferBytes = 0;
  private bufferDone = deferred<boolean>();
  private bufferTimer: NodeJS.Timeout | undefined;
  /** Flushes being written; at most `maxInFlightBatches`. */
  private readonly inFlight = new Set<Promise<void>>();
  private flushWhenIdle = false;
  /** Sequence number of the next flush started, and of the next flush whose outcome is committed. */
  private nextSeq = 0;
  private commitSeq = 0;
  /** Finished flushes waiting for the earlier ones, by sequence number. */
  private readonly finishedFlushes = new Map<number, { ok: boolean; next: Map<string, number>; done: Deferred<boolean> }>();
  private commitChain: Promise<void> = Promise.resolve();
  /** Once a flush is abandoned nothing after it may be committed (it would skip the abandoned records). */
  private commitsBlocked = false;
  /** Flushes currently waiting out a retriable failure; the partitions stay paused while it is above 0. */
  private retryingFlushes = 0;

  private paused = false;
  private joined = false;
  private stopping: Promise<void> | undefined;
  /** Per partition, the offset after the last settled record (what is or will be committed). */
  private readonly positions = new Map<string, number>();
  private readonly committed = new Map<string, number>();
  /** Bounded mode: per partition, the end offset captured at start. */
  private endOffsets: Map<string, number> | undefined;
  private counts = { consumed: 0, stored: 0, duplicates: 0, deadLettered: 0, retries: 0, batches: 0 };

  constructor(options: ResolvedRunnerOptions<T>) {
    this.options = options;
    this.sink = options.writer.name;
    this.groupId = options.groupId;
    this.log = options.logger.child({ sink: this.sink, group_id: this.groupId });
    this.metrics = sinkMetrics(options.registry ?? new Registry());
    this.done = this.finished.promise;
    // A caller that only stops the runner never looks at `done`; its rejection must not crash the process.
    this.done.catch(() => undefined);
    this.readinessChecks = {
      [`kafka-${this.sink}`]: async () => {
        if (!this.joined) throw new ServiceUnavailableError(`sink ${this.sink} is not in its consumer group`, 'kafka');
      },
      [this.sink]: () => options.writer.checkReady(),
    };
  }

  /** Starts the writer, positions the group, joins it and starts consuming. */
  async start(): Promise<void> {
    const { kafka, writer, topics } = this.options;
    await this.retryForever('start', () => writer.start());
    this.admin = kafka.admin();
    await this.admin.connect();
    await applyStartPosition(this.admin, this.groupId, topics, this.options.startFrom);
    if (this.options.bounded) {
      this.endOffsets = new Map();
      const lows = new Map<string, number>();
      for (const topic of topics) {
        for (const entry of await this.admin.fetchTopicOffsets(topic)) {
          this.endOffsets.set(partitionKey(topic, entry.partition), Number(entry.high));
          lows.set(partitionKey(topic, entry.partition), Number(entry.low));
        }
      }
      for (const [key, position] of await readPositions(this.admin, this.groupId, topics)) this.positions.set(key, position);
      this.log.info({ end_offsets: Object.fromEntries(this.endOffsets) }, 'bounded run: end offsets captured');
      this.skipDeleted(lows);
    }

    this.producer = kafka.producer({ ...producerDefaults });
    await this.producer.connect();
    const consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: Math.min(HEARTBEAT_EVERY_MS, Math.floor(this.options.sessionTimeoutMs / 3)),
      readUncommitted: false,
      // A stop waits for the fetch in flight; a short long-poll keeps stops (and bounded runs) quick.
      maxWaitTimeInMs: 1000,
      maxBytesPerPartition: Math.max(1024 * 1024, Math.min(this.options.maxBytes, 16 * 1024 * 1024)),
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.joined = true;
      this.log.info({ assignment: event.payload.memberAssignment }, 'joined the consumer group');
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.joined = false;
      this.log.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
      if (!event.payload.restart) this.fail(event.payload.error);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      // A batch of only transaction markers never reaches onBatch; move past it so bounded runs end.
      if (event.payload.batchSize === 0) void this.settleEmpty(event.payload.topic, event.payload.partition, Number(event.payload.lastOffset) + 1);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.onBatch(payload),
    });
    if (this.options.lagIntervalMs > 0) {
      this.lagTimer = setInterval(() => void this.sampleLag(), this.options.lagIntervalMs);
      this.lagTimer.unref();
    }
    if (this.options.bounded) this.scheduleDeletedCheck();
    this.log.info({ topics, bounded: this.options.bounded }, 'sink runner started');
    this.checkBoundedEnd();
  }

  stats(): SinkRunStats {
    return { ...this.counts };
  }

  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.log.info({ buffered: this.buffer.length }, 'sink runner stopping');
    // What is buffered is written now; a store that stays down past the grace period leaves it uncommitted.
    if (this.buffer.length > 0) this.requestFlush();
    const grace = setTimeout(() => this.controller.abort(new Error('sink runner stopped')), graceMs);
    try {
      await this.consumer?.stop().catch((error: unknown) => this.log.warn({ err: error }, 'consumer stop failed'));
      while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
      await this.commitChain;
      await this.consumer?.disconnect().catch((error: unknown) => this.log.warn({ err: error }, 'consumer disconnect failed'));
    } finally {
      clearTimeout(grace);
      this.controller.abort(new Error('sink runner stopped'));
      clearInterval(this.lagTimer);
      clearTimeout(this.deletedCheckTimer);
      clearTimeout(this.bufferTimer);
      await this.producer?.disconnect().catch(() => undefined);
      await this.admin?.disconnect().catch(() => undefined);
      await this.options.writer.close().catch((error: unknown) => this.log.warn({ err: error }, 'writer close failed'));
      this.joined = false;
    }
    this.log.info(this.stats(), 'sink runner stopped');
    this.finished.resolve(this.stats());
  }

  private fail(error: unknown): void {
    this.log.error({ err: error }, 'sink runner failed');
    this.finished.reject(error);
    void this.stop(0);
  }

  // ---------------------------------------------------------------------------------------
  // Consuming

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    // kafkajs only heartbeats between batches; a batch waiting out a 30 s outage must keep the membership.
    const beat = setInterval(() => {
      heartbeat().catch((error: unknown) => this.log.warn({ err: error, topic, partition }, 'heartbeat failed'));
    }, HEARTBEAT_EVERY_MS);
    try {
      let last: { offset: string; settled: Promise<boolean> } | undefined;
      // Bounded runs stop at the end captured at start, even when a fetch brought newer records.
      const end = this.endOffsets?.get(partitionKey(topic, partition)) ?? Number.POSITIVE_INFINITY;
      if (Number(batch.firstOffset() ?? 0) >= end) {
        // Nothing left to do on this partition in a bounded run; stop fetching it.
        pause();
        return;
      }
      for (const message of batch.messages) {
        if (this.stopping !== undefined || !isRunning() || isStale() || Number(message.offset) >= end) break;
        await this.waitForRoom();
        const size = (message.value?.length ?? 0) + (message.key?.length ?? 0);
        this.counts.consumed += 1;
        last = {
          offset: message.offset,
          settled: this.enqueue({
            topic,
            partition,
            offset: message.offset,
            key: message.key ?? null,
            value: message.value ?? null,
            headers: message.headers ?? {},
            timestampMs: Number(message.timestamp),
            size,
          }),
        };
      }
      if (last === undefined) return;
      if (await last.settled) {
        // Flushes settle in order, so every record of this batch up to `last` is settled.
        resolveOffset(last.offset);
        // Only when the loop took every record of the batch may the offset move past the last one
        // (over transaction markers, so bounded runs end); after an early break (kafkajs stopping,
        // a seek, a stop) the records not taken must be fetched again, never skipped.
        const tookAll = last.offset === batch.messages[batch.messages.length - 1]?.offset;
        if (!tookAll || last.offset === batch.lastOffset() || Number(batch.lastOffset()) >= end) return;
        if (Number(batch.lastOffset()) > Number(last.offset) && this.stopping === undefined && isRunning() && !isStale()) {
          resolveOffset(batch.lastOffset());
          await this.commit(new Map([[partitionKey(topic, partition), Number(batch.lastOffset()) + 1]]));
        }
      }
    } finally {
      clearInterval(beat);
    }
  }

  private async settleEmpty(topic: string, partition: number, next: number): Promise<void> {
    await this.commit(new Map([[partitionKey(topic, partition), next]]));
  }

  private bufferFull(): boolean {
    return this.buffer.length >= this.options.maxRecords || this.bufferBytes >= this.options.maxBytes;
  }

  /** Waits until the shared buffer may take one more record (at most `maxInFlightBatches` flushes plus one full buffer). */
  private async waitForRoom(): Promise<void> {
    while (this.bufferFull()) {
      if (this.inFlight.size < this.options.maxInFlightBatches) this.requestFlush();
      else await Promise.race([...this.inFlight]);
    }
  }

  /** Adds a record; resolves true once it is settled (stored, duplicate or dead-lettered) and committed, false when abandoned. */
  private enqueue(entry: Entry): Promise<boolean> {
    this.buffer.push(entry);
    this.bufferBytes += entry.size;
    const settled = this.bufferDone.promise;
    if (this.bufferFull()) this.requestFlush();
    else if (this.buffer.length === 1) {
      this.bufferTimer = setTimeout(() => this.requestFlush(), this.options.maxWaitMs);
    }
    return settled;
  }

  /** Starts a flush of the buffer now, or as soon as a flush in flight ends. */
  private requestFlush(): void {
    if (this.inFlight.size >= this.options.maxInFlightBatches) {
      this.flushWhenIdle = true;
      return;
    }
    if (this.buffer.length === 0) return;
    clearTimeout(this.bufferTimer);
    const entries = this.buffer;
    const done = this.bufferDone;
    this.buffer = [];
    this.bufferBytes = 0;
    this.bufferDone = deferred<boolean>();
    this.flushWhenIdle = false;
    const seq = this.nextSeq;
    this.nextSeq += 1;
    const next = new Map<string, number>();
    for (const entry of entries) next.set(partitionKey(entry.topic, entry.partition), Number(entry.offset) + 1);
    const running: Promise<void> = this.flush(entries)
      .catch((error: unknown) => {
        if (!this.controller.signal.aborted) this.fail(error);
        return false;
      })
      .then((ok) => this.settleInOrder(seq, { ok, next, done }))
      .finally(() => {
        this.inFlight.delete(running);
        if (this.buffer.length > 0 && (this.flushWhenIdle || this.bufferFull() || this.stopping !== undefined)) this.requestFlush();
      });
    this.inFlight.add(running);
  }

  /**
   * Commits finished flushes in the order they started, so a partition's committed offset only
   * passes records that are all settled, even when a later batch finished first.
   */
  private settleInOrder(seq: number, outcome: { ok: boolean; next: Map<string, number>; done: Deferred<boolean> }): Promise<void> {
    this.finishedFlushes.set(seq, outcome);
    this.commitChain = this.commitChain.then(async () => {
      for (let ready = this.finishedFlushes.get(this.commitSeq); ready !== undefined; ready = this.finishedFlushes.get(this.commitSeq)) {
        this.finishedFlushes.delete(this.commitSeq);
        this.commitSeq += 1;
        if (!ready.ok) this.commitsBlocked = true;
        if (this.commitsBlocked) {
          ready.done.resolve(false);
          continue;
        }
        await this.commit(ready.next);
        ready.done.resolve(true);
      }
    });
    return this.commitChain;
  }

  // ---------------------------------------------------------------------------------------
  // Writing

  /** Decodes, writes and dead-letters one batch; resolves true once all its records are settled, false when abandoned because the runner stopped. */
  private async flush(entries: Entry[]): Promise<boolean> {
    const state: FlushState = { paused: false };
    const poison: Poison[] = [];
    const records: SinkRecord<T>[] = [];
    const origin: Entry[] = [];
    try {
      for (const entry of entries) {
        const decoded = await this.decode(entry, state);
        if ('reason' in decoded) poison.push({ entry, reason: decoded.reason });
        else {
          records.push(decoded.record);
          origin.push(entry);
        }
      }
      const started = performance.now();
      if (records.length > 0) await this.writeAll(records, origin, poison, state);
      if (poison.length > 0) await this.deadLetter(poison, state);
      this.metrics.batchRecords.observe({ sink: this.sink }, entries.length);
      this.metrics.batchBytes.observe({ sink: this.sink }, entries.reduce((sum, entry) => sum + entry.size, 0));
      this.metrics.writeSeconds.observe({ sink: this.sink }, (performance.now() - started) / 1000);
      this.counts.batches += 1;
    } catch (error) {
      if (this.controller.signal.aborted) {
        this.log.warn({ records: entries.length }, 'batch abandoned at stop; it stays uncommitted and is read again at the next start');
        return false;
      }
      throw error;
    } finally {
      if (state.paused) this.leaveRetry();
    }
    return true;
  }

  private async decode(entry: Entry, state: FlushState): Promise<{ record: SinkRecord<T> } | { reason: string }> {
    if (entry.value === null) return { reason: 'null value (tombstone): nothing to store' };
    const { decoder } = this.options;
    const value = entry.value;
    if (decoder.prepare !== undefined) {
      try {
        await this.retryForever('decode', () => decoder.prepare!(entry.topic, value), state);
      } catch (error) {
        if (this.controller.signal.aborted) throw error;
        return { reason: `cannot prepare decoding: ${messageOf(error)}` };
      }
    }
    try {
      const decoded = decoder.deserialize(entry.topic, value);
      if (decoded === null) return { reason: 'value decoded to null: nothing to store' };
      return {
        record: {
          topic: entry.topic,
          partition: entry.partition,
          offset: entry.offset,
          key: entry.key === null ? null : entry.key.toString('utf8'),
          value: decoded,
          timestampMs: entry.timestampMs,
        },
      };
    } catch (error) {
      if (isRetriable(error)) throw error;
      return { reason: `undecodable value: ${messageOf(error)}` };
    }
  }

  /** Writes until every record is stored, duplicate or rejected; retriable failures (whole batch or items) are retried with backoff, paused. */
  private async writeAll(records: SinkRecord<T>[], origin: Entry[], poison: Poison[], state: FlushState): Promise<void> {
    let pending = records.map((record, i) => ({ record, entry: origin[i]! }));
    await this.retryForever('batch', async () => {
      const results = await this.writeBisecting(pending.map((item) => item.record));
      const again: typeof pending = [];
      let reason = '';
      results.forEach((result, i) => {
        const item = pending[i]!;
        switch (result.status) {
          case 'stored':
            this.counts.stored += 1;
            this.metrics.records.inc({ sink: this.sink, outcome: 'stored' });
            break;
          case 'duplicate':
            this.counts.duplicates += 1;
            this.metrics.records.inc({ sink: this.sink, outcome: 'duplicate' });
            break;
          case 'rejected':
            poison.push({ entry: item.entry, reason: `rejected by ${this.sink}: ${result.reason}` });
            break;
          case 'retry':
            again.push(item);
            reason = result.reason;
            break;
        }
      });
      pending = again;
      if (again.length > 0) throw new ItemRetryError(`${again.length} of ${results.length} records must be retried: ${reason}`);
    }, state);
  }

  /**
   * One write; a non-retriable failure of a whole batch is narrowed down by halving it, so one bad
   * record is rejected alone instead of taking its batch to the dead-letter topic.
   */
  private async writeBisecting(records: readonly SinkRecord<T>[]): Promise<SinkItemResult[]> {
    try {
      const results = await this.options.writer.write(records);
      if (!Array.isArray(results) || results.length !== records.length) {
        throw new ServiceUnavailableError(`writer ${this.sink} returned ${Array.isArray(results) ? results.length : 'no'} results for ${records.length} records`, this.sink);
      }
      return results;
    } catch (error) {
      if (isRetriable(error)) throw error;
      if (records.length === 1) return [{ status: 'rejected', reason: messageOf(error) }];
      const half = Math.ceil(records.length / 2);
      return [...(await this.writeBisecting(records.slice(0, half))), ...(await this.writeBisecting(records.slice(half)))];
    }
  }

  private async deadLetter(poison: readonly Poison[], state: FlushState): Promise<void> {
    const producer = this.producer!;
    const messages = poison.map(({ entry, reason }) => {
      const headers: IHeaders = { ...entry.headers };
      headers[DLQ_HEADERS.reason] = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
      headers[DLQ_HEADERS.sourceTopic] = entry.topic;
      headers[DLQ_HEADERS.sourcePartition] = String(entry.partition);
      headers[DLQ_HEADERS.sourceOffset] = entry.offset;
      headers[DLQ_HEADERS.processor] = `sink-${this.sink}`;
      headers[DLQ_HEADERS.timestamp] = String(entry.timestampMs);
      return { key: entry.key, value: entry.value as Buffer | null, headers, timestamp: String(entry.timestampMs) };
    });
    await this.retryForever('dead_letter', async () => {
      try {
        await producer.send({ ...sendDefaults, topic: this.options.deadLetterTopic, messages });
      } catch (error) {
        if ((error as { type?: unknown }).type === 'MESSAGE_TOO_LARGE') {
          // The headers pushed a record at the size limit over it: keep the letter and its reason, point to the original instead.
          for (const message of messages) {
            if ((message.value?.length ?? 0) > 0) message.headers[VALUE_DROPPED_HEADER] = String(message.value!.length);
            message.value = null;
          }
        }
        // Any failure to dead-letter is waited out: committing past a record that is neither stored nor dead-lettered would lose it.
        throw new ServiceUnavailableError(`cannot send ${messages.length} dead letters to ${this.options.deadLetterTopic}: ${messageOf(error)}`, 'kafka', error);
      }
    }, state);
    for (const { entry, reason } of poison) {
      this.counts.deadLettered += 1;
      this.metrics.records.inc({ sink: this.sink, outcome: 'dead_lettered' });
      this.metrics.deadLetters.inc({ sink: this.sink, topic: entry.topic });
      this.log.warn({ topic: entry.topic, partition: entry.partition, offset: entry.offset, reason }, 'record dead-lettered');
    }
  }

  /** Commits the given next offsets (never moving one backwards); a failed commit only means a redelivery, which the store absorbs. */
  private async commit(next: ReadonlyMap<string, number>): Promise<void> {
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const [key, offset] of next) {
      if ((this.positions.get(key) ?? -1) < offset) this.positions.set(key, offset);
      if ((this.committed.get(key) ?? -1) >= offset) continue;
      const [topic, partition] = key.split('\u0000') as [string, string];
      offsets.push({ topic, partition: Number(partition), offset: String(offset) });
    }
    if (offsets.length > 0 && this.consumer !== undefined) {
      try {
        await retry(() => this.consumer!.commitOffsets(offsets), { retries: 3, initialDelayMs: 100, maxDelayMs: 2000, signal: this.controller.signal });
        for (const { topic, partition, offset } of offsets) {
          const key = partitionKey(topic, partition);
          if ((this.committed.get(key) ?? -1) < Number(offset)) this.committed.set(key, Number(offset));
        }
      } catch (error) {
        this.log.warn({ err: error, offsets }, 'offset commit failed; the records will be delivered again and deduplicated by the store');
      }
    }
    this.checkBoundedEnd();
  }

  private checkBoundedEnd(): void {
    if (this.endOffsets === undefined || this.stopping !== undefined) return;
    for (const [key, end] of this.endOffsets) {
      if ((this.positions.get(key) ?? 0) < end) return;
    }
    this.log.info(this.stats(), 'bounded run reached the end offsets captured at start');
    // Not awaited: stop waits for the batch that called us to return.
    setImmediate(() => void this.stop());
  }

  /**
   * Bounded mode: a partition whose records before its end were deleted (retention, deleteRecords)
   * has nothing left to read, and no batch would ever move its position; count it as at its end.
   */
  private skipDeleted(lows: ReadonlyMap<string, number>): void {
    if (this.endOffsets === undefined) return;
    for (const { key, position, end, low } of deletedPastEnd(this.endOffsets, this.positions, lows)) {
      const [topic, partition] = key.split('\u0000') as [string, string];
      // Lost to retention is the operator's business, not an error; they still need to see it.
      this.log.info({ topic, partition: Number(partition), offset: position, end_offset: end, low_watermark: low }, 'bounded run: records up to the end were deleted; nothing left to read on this partition');
      this.positions.set(key, end);
    }
  }

  /** Bounded mode: reads the low watermarks again every few seconds, for records deleted after start, until the run stops. */
  private scheduleDeletedCheck(): void {
    this.deletedCheckTimer = setTimeout(() => {
      void this.checkDeleted().finally(() => {
        if (this.stopping === undefined) this.scheduleDeletedCheck();
      });
    }, DELETED_CHECK_EVERY_MS);
    this.deletedCheckTimer.unref();
  }

  private async checkDeleted(): Promise<void> {
    const admin = this.admin;
    if (admin === undefined || this.stopping !== undefined) return;
    try {
      const lows = new Map<string, number>();
      for (const topic of this.options.topics) {
        for (const entry of await admin.fetchTopicOffsets(topic)) lows.set(partitionKey(topic, entry.partition), Number(entry.low));
      }
      this.skipDeleted(lows);
      this.checkBoundedEnd();
    } catch (error) {
      // The next check tries again; a broker that stays away shows up in the consumer's own errors.
      this.log.debug({ err: error }, 'low watermark check failed');
    }
  }

  // ---------------------------------------------------------------------------------------
  // Retries, pausing, lag

  /** Retries `fn` with backoff for as long as its errors are retriable (until the runner stops), with the partitions paused meanwhile (`state`: the flush it belongs to). */
  private retryForever<R>(kind: string, fn: () => Promise<R>, state?: FlushState): Promise<R> {
    return retry(fn, {
      retries: Number.MAX_SAFE_INTEGER,
      initialDelayMs: this.options.initialDelayMs,
      maxDelayMs: this.options.maxDelayMs,
      signal: this.controller.signal,
      onRetry: ({ attempt, delayMs, error }) => {
        this.counts.retries += 1;
        const retryKind = error instanceof ItemRetryError ? 'item' : kind;
        this.metrics.retries.inc({ sink: this.sink, kind: retryKind });
        if (state !== undefined && !state.paused) {
          state.paused = true;
          this.enterRetry();
        }
        const line = { kind: retryKind, attempt, delay_ms: delayMs, err: messageOf(error) };
        if (attempt === 1 || attempt % 10 === 0) this.log.warn(line, 'retriable failure; partitions paused, retrying');
        else this.log.debug(line, 'retrying');
      },
    });
  }

  private enterRetry(): void {
    this.retryingFlushes += 1;
    if (this.paused || this.consumer === undefined) return;
    this.paused = true;
    this.metrics.paused.set({ sink: this.sink }, 1);
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
  }

  private leaveRetry(): void {
    this.retryingFlushes -= 1;
    if (this.retryingFlushes > 0 || !this.paused || this.consumer === undefined) return;
    this.paused = false;
    this.metrics.paused.set({ sink: this.sink }, 0);
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
    this.log.info('store recovered; partitions resumed');
  }

  private async sampleLag(): Promise<void> {
    const admin = this.admin;
    if (admin === undefined || this.stopping !== undefined) return;
    try {
      const positions = await readPositions(admin, this.groupId, this.options.topics);
      for (const topic of this.options.topics) {
        for (const entry of await admin.fetchTopicOffsets(topic)) {
          const position = positions.get(partitionKey(topic, entry.partition)) ?? Number(entry.low);
          this.metrics.lag.set({ sink: this.sink, topic, partition: String(entry.partition) }, Math.max(0, Number(entry.high) - position));
        }
      }
    } catch (error) {
      this.log.debug({ err: error }, 'lag sample failed');
    }
  }
}

/** Per flush: whether it counted itself among the flushes waiting out a failure. */
interface FlushState {
  paused: boolean;
}

/** Some records of a batch answered `retry`; the batch loop retries just those. */
class ItemRetryError extends ServiceUnavailableError {
  constructor(message: string) {
    super(message, 'sink');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
