/**
 * An in-memory window store: values per (key bytes, window start), grouped by window start so that
 * expired windows (older than the retention, measured against the largest window start seen) are
 * dropped in one step. Logged to a changelog with the window start appended to the key bytes.
 */
import type { WindowStore, WindowStoreEntry } from '../api/state-store.js';
import type { KeyValue } from '../api/record.js';
import type { Windowed } from '../api/windowed.js';
import { decodeWindowKey, encodeWindowKey, serializeKey } from '../codecs/windowed-serde.js';
import type { Serde } from '../serdes/serde.js';
import type { ChangeLogger } from './changelogging-store.js';

interface Entry<K, V> {
  key: K;
  value: V;
}

/** In-memory WindowStore with retention; `restore` rebuilds it from changelog records. */
export class InMemoryWindowStore<K, V> implements WindowStore<K, V> {
  /** window start -> key id -> entry */
  private readonly windows = new Map<number, Map<string, Entry<K, V>>>();
  private observedStreamTime = -1;

  constructor(
    readonly name: string,
    readonly windowSizeMs: number,
    readonly retentionMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly serdeTopic: string,
    private readonly changeLogger?: ChangeLogger,
  ) {}

  put(key: K, value: V | null, windowStartMs: number): void {
    const keyBytes = serializeKey(this.keySerde, this.serdeTopic, key);
    this.advance(windowStartMs);
    if (this.isExpired(windowStartMs)) return;
    this.apply(keyBytes.toString('latin1'), key, value, windowStartMs);
    this.changeLogger?.log(encodeWindowKey(keyBytes, windowStartMs), value === null ? null : this.valueSerde.serialize(this.serdeTopic, value));
  }

  fetch(key: K, windowStartMs: number): V | undefined;
  fetch(key: K, fromMs: number, toMs: number): WindowStoreEntry<V>[];
  fetch(key: K, fromMs: number, toMs?: number): V | undefined | WindowStoreEntry<V>[] {
    const id = serializeKey(this.keySerde, this.serdeTopic, key).toString('latin1');
    if (toMs === undefined) return this.isExpired(fromMs) ? undefined : this.windows.get(fromMs)?.get(id)?.value;
    const found: WindowStoreEntry<V>[] = [];
    for (const start of this.starts()) {
      if (start < fromMs || start > toMs || this.isExpired(start)) continue;
      const entry = this.windows.get(start)?.get(id);
      if (entry) found.push({ windowStartMs: start, value: entry.value });
    }
    return found;
  }

  all(): KeyValue<Windowed<K>, V>[] {
    const out: KeyValue<Windowed<K>, V>[] = [];
    for (const start of this.starts()) {
      const keys = this.windows.get(start)!;
      for (const id of [...keys.keys()].sort()) {
        const entry = keys.get(id)!;
        out.push([{ key: entry.key, startMs: start, endMs: start + this.windowSizeMs }, entry.value]);
      }
    }
    return out;
  }

  /** Applies changelog records in order (null value = delete), skipping expired windows; returns how many were applied. */
  restore(records: Iterable<{ key: Buffer | null; value: Buffer | null }>): number {
    let applied = 0;
    for (const record of records) {
      if (record.key === null) continue;
      const { keyBytes, windowStartMs } = decodeWindowKey(this.serdeTopic, record.key);
      this.advance(windowStartMs);
      applied += 1;
      if (this.isExpired(windowStartMs)) continue;
      const id = keyBytes.toString('latin1');
      const value = this.valueSerde.deserialize(this.serdeTopic, record.value);
      const key = value === null ? null : this.keySerde.deserialize(this.serdeTopic, keyBytes);
      if (value === null) this.apply(id, null, null, windowStartMs);
      else if (key !== null) this.apply(id, key, value, windowStartMs);
    }
    return applied;
  }

  private apply(id: string, key: K | null, value: V | null, windowStartMs: number): void {
    let keys = this.windows.get(windowStartMs);
    if (value === null || key === null) {
      keys?.delete(id);
      if (keys?.size === 0) this.windows.delete(windowStartMs);
      return;
    }
    if (!keys) this.windows.set(windowStartMs, (keys = new Map()));
    keys.set(id, { key, value });
  }

  private advance(windowStartMs: number): void {
    if (windowStartMs <= this.observedStreamTime) return;
    this.observedStreamTime = windowStartMs;
    for (const start of this.windows.keys()) if (this.isExpired(start)) this.windows.delete(start);
  }

  private isExpired(windowStartMs: number): boolean {
    return windowStartMs <= this.observedStreamTime - this.retentionMs;
  }

  private starts(): number[] {
    return [...this.windows.keys()].sort((a, b) => a - b);
  }
}
