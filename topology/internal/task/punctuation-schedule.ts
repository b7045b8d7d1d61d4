/**
 * One scheduled punctuator and its next due time, advanced like Kafka Streams' PunctuationSchedule:
 * missed intervals are skipped (one call per advance), keeping the schedule aligned to its start.
 */
import type { Punctuator } from '../api/processor.js';

/** A punctuator of one node, due at `nextMs`. */
export class PunctuationSchedule {
  cancelled = false;

  constructor(
    readonly nodeName: string,
    readonly intervalMs: number,
    /** First due time: 0 for stream time (fires with the first record), now + interval for wall-clock time. */
    public nextMs: number,
    readonly punctuator: Punctuator,
  ) {}

  /** True when `nowMs` has reached the due time. */
  isDue(nowMs: number): boolean {
    return !this.cancelled && nowMs >= this.nextMs;
  }

  /** Moves the due time past `nowMs`, skipping intervals that were missed. */
  advance(nowMs: number): void {
    const missed = Math.floor((nowMs - this.nextMs) / this.intervalMs);
    this.nextMs += (missed + 1) * this.intervalMs;
  }
}
