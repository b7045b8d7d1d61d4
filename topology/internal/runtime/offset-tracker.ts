import type { PartitionOffset } from './committer.js';

/**
 * The consumed position (next offset to read) of every input partition this instance processes,
 * and which of them moved since the last commit. Positions only enter a commit through here.
 */
export class OffsetTracker {
  private readonly pending = new Map<string, PartitionOffset>();

  /** Records that `offset` of `topic`/`partition` was processed (the next position is offset + 1). */
  processed(topic: string, partition: number, offset: string): void {
    this.pending.set(`${topic}\u0000${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
  }

  /** True when some partition moved since the last commit. */
  get dirty(): boolean {
    return this.pending.size > 0;
  }

  /** Positions moved since the last commit, one per partition. */
  uncommitted(): PartitionOffset[] {
    return [...this.pending.values()];
  }

  /** Forgets `offsets` as pending once committed (a position that moved again meanwhile stays pending). */
  committed(offsets: readonly PartitionOffset[]): void {
    for (const offset of offsets) {
      const id = `${offset.topic}\u0000${offset.partition}`;
      if (this.pending.get(id)?.offset === offset.offset) this.pending.delete(id);
    }
  }

  /** Forgets every pending position (the work is discarded and will be read again from the committed offsets). */
  reset(): void {
    this.pending.clear();
  }
}
