/**
 * Counts input records as a topology processes them and remembers when the first and the target-th
 * went through, so throughput covers processing only (the TypeScript twin of the Kafka Streams
 * app's ProgressClock.java).
 */
export class ProgressClock {
  private seen = 0;
  private firstNs = -1n;
  private lastNs = -1n;
  private readonly reachedPromise: Promise<void>;
  private resolveReached: () => void = () => undefined;

  constructor(private readonly target: number) {
    if (!Number.isInteger(target) || target <= 0) throw new RangeError('target must be a positive integer');
    this.reachedPromise = new Promise((resolve) => {
      this.resolveReached = resolve;
    });
  }

  /** Records one more input record through the timed step. */
  tick(): void {
    this.seen += 1;
    if (this.seen === 1) this.firstNs = process.hrtime.bigint();
    if (this.seen === this.target) this.markEnd();
  }

  /**
   * Ends the measurement now: for records the engine dropped (late for their window) and that will
   * therefore never tick. No effect once ended.
   */
  markEnd(): void {
    if (this.lastNs >= 0n) return;
    this.lastNs = process.hrtime.bigint();
    this.resolveReached();
  }

  /** Settles when the target-th record went through. */
  reached(): Promise<void> {
    return this.reachedPromise;
  }

  /** Records seen so far. */
  count(): number {
    return this.seen;
  }

  /** hrtime (ns) of the first record, -1n before any. */
  firstNanos(): bigint {
    return this.firstNs;
  }

  /** Seconds from the first to the target-th record; NaN before the target was reached. */
  processingSeconds(): number {
    return this.lastNs < 0n ? Number.NaN : Number(this.lastNs - this.firstNs) / 1e9;
  }
}
