/**
 * An in-memory key-value store keyed by the serialized key bytes (so two keys are equal exactly when
 * their bytes are), optionally logged to a changelog, restorable from changelog records.
 */
import type { KeyValueStore } from '../api/state-store.js';
import type { KeyValue } from '../api/record.js';
import { serializeKey } from '../codecs/windowed-serde.js';
import type { Serde } from '../serdes/serde.js';
import type { ChangeLogger } from './changelogging-store.js';

interface Entry<K, V> {
  key: K;
  value: V;
}

/** In-memory KeyValueStore; `restore` rebuilds it from changelog records without logging them again. */
export class InMemoryKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private readonly entries = new Map<string, Entry<K, V>>();

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    /** Topic name passed to the serdes (the changelog topic). */
    private readonly serdeTopic: string,
    private readonly changeLogger?: ChangeLogger,
  ) {}

  get(key: K): V | undefined {
    return this.entries.get(this.id(key))?.value;
  }

  put(key: K, value: V | null): void {
    const keyBytes = serializeKey(this.keySerde, this.serdeTopic, key);
    const id = keyBytes.toString('latin1');
    if (value === null) this.entries.delete(id);
    else this.entries.set(id, { key, value });
    this.changeLogger?.log(keyBytes, value === null ? null : this.valueSerde.serialize(this.serdeTopic, value));
  }

  delete(key: K): V | undefined {
    const old = this.get(key);
    this.put(key, null);
    return old;
  }

  *range(from: K, to: K): IterableIterator<KeyValue<K, V>> {
    const low = this.id(from);
    const high = this.id(to);
    for (const [id, entry] of this.sorted()) if (id >= low && id <= high) yield [entry.key, entry.value];
  }

  *all(): IterableIterator<KeyValue<K, V>> {
    for (const [, entry] of this.sorted()) yield [entry.key, entry.value];
  }

  approximateNumEntries(): number {
    return this.entries.size;
  }

  /** Applies changelog records in order (null value = delete); returns how many were applied. */
  restore(records: Iterable<{ key: Buffer | null; value: Buffer | null }>): number {
    let applied = 0;
    for (const record of records) {
      if (record.key === null) continue;
      const id = record.key.toString('latin1');
      const value = this.valueSerde.deserialize(this.serdeTopic, record.value);
      if (value === null) {
        this.entries.delete(id);
      } else {
        const key = this.keySerde.deserialize(this.serdeTopic, record.key);
        if (key !== null) this.entries.set(id, { key, value });
      }
      applied += 1;
    }
    return applied;
  }

  private id(key: K): string {
    return serializeKey(this.keySerde, this.serdeTopic, key).toString('latin1');
  }

  private sorted(): [string, Entry<K, V>][] {
    // Byte order, as RocksDB and Kafka Streams' in-memory store iterate; latin1 keeps one char per byte.
    return [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
