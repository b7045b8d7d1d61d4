/**
 * The buffer behind `suppress(untilWindowCloses)`: the latest result per windowed key, ordered by
 * window end so closed windows can be evicted oldest first. Logged to a changelog (value = 8-byte
 * record timestamp + value bytes) so buffered results survive a task move.
 */
import type { StateStore } from '../api/state-store.js';
import type { Windowed } from '../api/windowed.js';
import { SerializationError } from '../errors.js';
import type { Serde } from '../serdes/serde.js';
import { readInt64BE, writeInt64BE } from '../codecs/int64.js';
import type { ChangeLogger } from './changelogging-store.js';

/** One buffered result. */
export interface BufferedResult<K, V> {
  readonly key: Windowed<K>;
  readonly value: V;
  readonly timestamp: number;
}

/** Windowed results waiting for their window to close. */
export class InMemorySuppressionBuffer<K, V> implements StateStore {
  /** window end -> key id -> result; `ends` keeps the window ends sorted ascending. */
  private readonly byEnd = new Map<number, Map<string, BufferedResult<K, V>>>();
  private ends: number[] = [];

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<Windowed<K>>,
    private readonly valueSerde: Serde<V>,
    private readonly serdeTopic: string,
    private readonly changeLogger?: ChangeLogger,
  ) {}

  /** Buffers the latest `value` of `key` (null removes it). */
  put(key: Windowed<K>, value: V | null, timestamp: number): void {
    const keyBytes = this.keySerde.serialize(this.serdeTopic, key);
    if (keyBytes === null) throw new SerializationError('a windowed key serialized to null', this.serdeTopic);
    this.apply(keyBytes.toString('latin1'), key, value, timestamp);
    this.changeLogger?.log(keyBytes, value === null ? null : this.encodeValue(value, timestamp));
  }

  /** Removes and passes to `emit` every result whose window end is <= `maxEndMs`, oldest window first. */
  evictUntil(maxEndMs: number, emit: (result: BufferedResult<K, V>) => void): void {
    while (this.ends.length > 0 && this.ends[0]! <= maxEndMs) {
      const end = this.ends.shift()!;
      const bucket = this.byEnd.get(end)!;
      this.byEnd.delete(end);
      for (const result of bucket.values()) {
        const keyBytes = this.keySerde.serialize(this.serdeTopic, result.key)!;
        this.changeLogger?.log(keyBytes, null);
        emit(result);
      }
    }
  }

  /** Number of buffered results. */
  size(): number {
    let n = 0;
    for (const bucket of this.byEnd.values()) n += bucket.size;
    return n;
  }

  /** Applies changelog records in order; returns how many were applied. */
  restore(records: Iterable<{ key: Buffer | null; value: Buffer | null }>): number {
    let applied = 0;
    for (const record of records) {
      if (record.key === null) continue;
      const key = this.keySerde.deserialize(this.serdeTopic, record.key);
      if (key === null) continue;
      if (record.value === null) this.apply(record.key.toString('latin1'), key, null, 0);
      else {
        if (record.value.length < 8) throw new SerializationError('a suppression buffer value needs at least 8 bytes', this.serdeTopic);
        const timestamp = readInt64BE(record.value, 0);
        this.apply(record.key.toString('latin1'), key, this.valueSerde.deserialize(this.serdeTopic, record.value.subarray(8)), timestamp);
      }
      applied += 1;
    }
    return applied;
  }

  private apply(id: string, key: Windowed<K>, value: V | null, timestamp: number): void {
    let bucket = this.byEnd.get(key.endMs);
    if (value === null) {
      bucket?.delete(id);
      if (bucket?.size === 0) {
        this.byEnd.delete(key.endMs);
        this.ends = this.ends.filter((end) => end !== key.endMs);
      }
      return;
    }
    if (!bucket) {
      bucket = new Map();
      this.byEnd.set(key.endMs, bucket);
      this.insertEnd(key.endMs);
    }
    bucket.set(id, { key, value, timestamp });
  }

  private insertEnd(end: number): void {
    let low = 0;
    let high = this.ends.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.ends[mid]! < end) low = mid + 1;
      else high = mid;
    }
    this.ends.splice(low, 0, end);
  }

  private encodeValue(value: V, timestamp: number): Buffer {
    const bytes = this.valueSerde.serialize(this.serdeTopic, value) ?? Buffer.alloc(0);
    const out = Buffer.allocUnsafe(8 + bytes.length);
    writeInt64BE(out, timestamp, 0);
    bytes.copy(out, 8);
    return out;
  }
}
