/**
 * Samples the consumer lag of the partitions a topology instance owns on a timer, so the lag gauge
 * keeps moving when no batch arrives (a stuck task, a consumer that stopped fetching): the runtime
 * also sets it after each batch, but a lag set only there freezes exactly when it matters.
 *
 * Lag = high watermark - position, where the position is the instance's processed-but-uncommitted
 * position when it has one, else the group's committed offset, else the partition's low watermark.
 * A failed sample is logged and leaves the last values in place; it never reaches the processing path.
 * The sinks' runner samples its lag the same way (sinks/runner/internal); that code is private to the
 * sinks and keyed by sink, hence this small topology copy.
 */
import type { Admin } from 'kafkajs';
import type { Gauge } from 'prom-client';
import type { Logger } from '../../../lib/logger.js';
import type { PartitionOffset } from './committer.js';

/** The partitions owned now, per topic (the shape of a kafkajs member assignment). */
export type OwnedPartitions = Readonly<Record<string, readonly number[]>>;

/** Options of a LagSampler. */
export interface LagSamplerOptions {
  /** Admin client of the runtime; only read (committed offsets and watermarks). */
  readonly admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>;
  /** Consumer group whose committed offsets are the fallback position. */
  readonly groupId: string;
  /** The gauge to set, labels `topic` and `partition`. */
  readonly gauge: Gauge<'topic' | 'partition'>;
  /** The partitions this instance owns now; read at every sample. */
  readonly assignment: () => OwnedPartitions;
  /** Positions processed but not committed yet; read at every sample. */
  readonly pending: () => readonly PartitionOffset[];
  /** Sampling period in ms. */
  readonly intervalMs: number;
  readonly logger: Logger;
}

/** A timer that sets the lag gauge of every owned partition; `stop` clears it. */
export class LagSampler {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private failing = false;
  /** Label values this sampler set, so a partition moved to another instance stops being reported here. */
  private readonly reported = new Set<string>();

  constructor(private readonly options: LagSamplerOptions) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) throw new RangeError('LagSampler intervalMs must be a positive number of ms');
  }

  /** Starts sampling every intervalMs (the first sample after one interval); idempotent. */
  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => void this.sample(), this.options.intervalMs);
    // Sampling alone must never keep the process alive.
    this.timer.unref();
  }

  /** Takes one sample unless one is still running or the sampler stopped; never rejects. */
  sample(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.inFlight ??= this.sampleOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Clears the timer and waits for a running sample, so the admin client can be disconnected after. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private async sampleOnce(): Promise<void> {
    const { admin, groupId, gauge, logger } = this.options;
    try {
      const owned = Object.entries(this.options.assignment()).filter(([, partitions]) => partitions.length > 0);
      const lags = new Map<string, { topic: string; partition: string; lag: number }>();
      if (owned.length > 0) {
        const committed = new Map<string, bigint>();
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: owned.map(([topic]) => topic) })) {
          for (const { partition, offset } of partitions) if (BigInt(offset) >= 0n) committed.set(key(topic, partition), BigInt(offset));
        }
        // Read after the committed offsets: a commit landing in between then understates the position, never the lag.
        const pending = new Map(this.options.pending().map((p) => [key(p.topic, p.partition), BigInt(p.offset)]));
        for (const [topic, partitions] of owned) {
          const bounds = new Map((await admin.fetchTopicOffsets(topic)).map((b) => [b.partition, b]));
          for (const partition of partitions) {
            const bound = bounds.get(partition);
            if (bound === undefined) continue;
            const id = key(topic, partition);
            const position = pending.get(id) ?? committed.get(id) ?? BigInt(bound.low);
            const lag = BigInt(bound.high) - position;
            lags.set(id, { topic, partition: String(partition), lag: lag > 0n ? Number(lag) : 0 });
          }
        }
      }
      if (this.stopped) return;
      for (const [id, { topic, partition, lag }] of lags) {
        gauge.set({ topic, partition }, lag);
        this.reported.add(id);
      }
      for (const id of [...this.reported]) {
        if (lags.has(id)) continue;
        const [topic = '', partition = ''] = id.split('\u0000');
        gauge.remove({ topic, partition });
        this.reported.delete(id);
      }
      if (this.failing) logger.info('consumer lag sampling recovered');
      this.failing = false;
    } catch (error) {
      // Warn once per outage; every later failure of the same outage only at debug.
      if (this.failing) logger.debug({ err: error }, 'consumer lag sample failed');
      else logger.warn({ err: error }, 'consumer lag sample failed; keeping the last values');
      this.failing = true;
    }
  }
}

function key(topic: string, partition: number | string): string {
  return `${topic}\u0000${partition}`;
}
