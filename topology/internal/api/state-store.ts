/**
 * The state stores a processor can reach through `getStateStore`: key-value and window stores, both
 * in memory and logged to a changelog topic so a task can be restored elsewhere.
 */
import type { KeyValue } from './record.js';
import type { Windowed } from './windowed.js';

/** Anything registered as a store of a topology. */
export interface StateStore {
  readonly name: string;
}

/** A key-value store; every write is logged to the store's changelog. Iteration is in key-byte order. */
export interface KeyValueStore<K, V> extends StateStore {
  /** The value of `key`, undefined when absent. */
  get(key: K): V | undefined;
  /** Sets `key` to `value`; a null value deletes the key. */
  put(key: K, value: V | null): void;
  /** Deletes `key` and returns its former value. */
  delete(key: K): V | undefined;
  /** Entries with `from <= key <= to` in key-byte order. */
  range(from: K, to: K): IterableIterator<KeyValue<K, V>>;
  /** Every entry in key-byte order. */
  all(): IterableIterator<KeyValue<K, V>>;
  /** The number of entries. */
  approximateNumEntries(): number;
}

/** One window of a window store. */
export interface WindowStoreEntry<V> {
  readonly windowStartMs: number;
  readonly value: V;
}

/** A store of values per key and window start; windows older than the retention period expire as stream time advances. */
export interface WindowStore<K, V> extends StateStore {
  /** Size of the windows kept (used to build `Windowed` keys). */
  readonly windowSizeMs: number;
  /** How long a window is kept after its start, measured against the largest window start put so far. */
  readonly retentionMs: number;
  /** Sets the value of `key` in the window starting at `windowStartMs`; null deletes it. Writes to an expired window are ignored. */
  put(key: K, value: V | null, windowStartMs: number): void;
  /** The value of `key` in the window starting at `windowStartMs`, undefined when absent. */
  fetch(key: K, windowStartMs: number): V | undefined;
  /** The windows of `key` starting within [fromMs, toMs], oldest first. */
  fetch(key: K, fromMs: number, toMs: number): WindowStoreEntry<V>[];
  /** Every unexpired window, ordered by window start then key bytes. */
  all(): KeyValue<Windowed<K>, V>[];
}
