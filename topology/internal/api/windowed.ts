/**
 * Time windows: the key of a windowed aggregation (`Windowed<K>`) and the window definition
 * (`TimeWindows`, tumbling or hopping, with a grace period).
 */
import { InvalidTopologyError } from '../errors.js';

/** A key within one time window [startMs, endMs): end exclusive, so a record at exactly endMs belongs to the next window. */
export interface Windowed<K> {
  readonly key: K;
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * Fixed-size windows aligned to the epoch: tumbling (advance = size) or hopping (advance < size).
 * A record is accepted into a window until stream time reaches window end + grace.
 */
export class TimeWindows {
  private constructor(
    /** Window length in ms. */
    readonly sizeMs: number,
    /** Distance between window starts in ms (= sizeMs for tumbling windows). */
    readonly advanceMs: number,
    /** How long after the window end late records are still accepted, in ms. */
    readonly graceMs: number,
  ) {}

  /** Tumbling windows of `sizeMs` accepting records up to `graceMs` after the window end. */
  static ofSizeWithGrace(sizeMs: number, graceMs: number): TimeWindows {
    if (!Number.isSafeInteger(sizeMs) || sizeMs <= 0) throw new InvalidTopologyError(`window size must be a positive integer of ms, got ${sizeMs}`);
    if (!Number.isSafeInteger(graceMs) || graceMs < 0) throw new InvalidTopologyError(`grace must be a non-negative integer of ms, got ${graceMs}`);
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /** Tumbling windows of `sizeMs` with no grace: any out-of-order record behind a closed window is late. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.ofSizeWithGrace(sizeMs, 0);
  }

  /** Hopping windows: the same size and grace, a new window every `advanceMs` (0 < advanceMs <= size). */
  advanceBy(advanceMs: number): TimeWindows {
    if (!Number.isSafeInteger(advanceMs) || advanceMs <= 0 || advanceMs > this.sizeMs) {
      throw new InvalidTopologyError(`advance must be an integer in (0, ${this.sizeMs}] ms, got ${advanceMs}`);
    }
    return new TimeWindows(this.sizeMs, advanceMs, this.graceMs);
  }

  /** Start times of every window containing `timestampMs`, oldest first (windows never start before 0). */
  windowStartsFor(timestampMs: number): number[] {
    const starts: number[] = [];
    const newest = timestampMs - (((timestampMs % this.advanceMs) + this.advanceMs) % this.advanceMs);
    for (let start = newest; start > timestampMs - this.sizeMs && start >= 0; start -= this.advanceMs) starts.push(start);
    return starts.reverse();
  }
}
