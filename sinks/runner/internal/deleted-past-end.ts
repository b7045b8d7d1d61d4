/**
 * Bounded runs end once every partition's position reaches the end captured at start, and only
 * batches move a position. When the log of a partition starts at or past that end (retention or
 * `deleteRecords` removed the records) while the position is still below it, the consumer's fetch
 * is out of range, it resets to the earliest offset (the end or later), and no batch ever comes:
 * such a partition has nothing left to read and must count as done.
 */

/** A partition of a bounded run whose unread records before its end were all deleted. */
export interface DeletedPastEnd {
  /** `topic\0partition`, as the runner keys its positions. */
  readonly key: string;
  /** Where the run stood on it. */
  readonly position: number;
  /** The end captured at start. */
  readonly end: number;
  /** The partition's low watermark (first retained offset), at or past `end`. */
  readonly low: number;
}

/** The partitions still short of their end (a missing position counts as 0) whose low watermark is at or past it; partitions without a known low watermark are left alone. */
export function deletedPastEnd(
  ends: ReadonlyMap<string, number>,
  positions: ReadonlyMap<string, number>,
  lows: ReadonlyMap<string, number>,
): DeletedPastEnd[] {
  const out: DeletedPastEnd[] = [];
  for (const [key, end] of ends) {
    const position = positions.get(key) ?? 0;
    const low = lows.get(key);
    if (low !== undefined && position < end && low >= end) out.push({ key, position, end, low });
  }
  return out;
}
