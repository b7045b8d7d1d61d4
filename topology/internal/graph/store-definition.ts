/**
 * How to create one state store for one task: kind, name, serdes and (for window stores) size and
 * retention. The task creates the store with a change logger to the store's changelog topic.
 */
import type { StateStore } from '../api/state-store.js';
import type { Serde } from '../serdes/serde.js';
import type { ChangeLogger } from '../stores/changelogging-store.js';
import { InMemoryKeyValueStore } from '../stores/in-memory-key-value-store.js';
import { InMemoryWindowStore } from '../stores/in-memory-window-store.js';
import { InMemorySuppressionBuffer } from '../stores/in-memory-suppression-buffer.js';
import type { Windowed } from '../api/windowed.js';

/** A store that can be rebuilt from changelog records; returns how many records it applied. */
export interface RestorableStore extends StateStore {
  restore(records: Iterable<{ key: Buffer | null; value: Buffer | null }>): number;
}

/** Declares one store of a topology. */
export interface StoreDefinition {
  readonly name: string;
  readonly kind: 'key-value' | 'window' | 'suppression-buffer';
  /** For window stores: window size and retention in ms. */
  readonly windowSizeMs?: number;
  readonly retentionMs?: number;
  /** The serdes the store encodes with (their `init` runs with the topology's). */
  readonly serdes: readonly Serde<unknown>[];
  /** Creates the task's instance; `serdeTopic` is the changelog topic, passed to the serdes. */
  create(serdeTopic: string, changeLogger: ChangeLogger | undefined): RestorableStore;
}

/** Declares an in-memory key-value store. */
export function keyValueStoreDefinition<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>): StoreDefinition {
  return {
    name,
    kind: 'key-value',
    serdes: [keySerde, valueSerde],
    create: (serdeTopic, changeLogger) => new InMemoryKeyValueStore(name, keySerde, valueSerde, serdeTopic, changeLogger),
  };
}

/** Declares an in-memory window store of windows of `windowSizeMs` kept for `retentionMs`. */
export function windowStoreDefinition<K, V>(
  name: string,
  windowSizeMs: number,
  retentionMs: number,
  keySerde: Serde<K>,
  valueSerde: Serde<V>,
): StoreDefinition {
  return {
    name,
    kind: 'window',
    windowSizeMs,
    retentionMs,
    serdes: [keySerde, valueSerde],
    create: (serdeTopic, changeLogger) => new InMemoryWindowStore(name, windowSizeMs, retentionMs, keySerde, valueSerde, serdeTopic, changeLogger),
  };
}

/** Declares the buffer of a `suppress(untilWindowCloses)` operator. */
export function suppressionBufferDefinition<K, V>(name: string, keySerde: Serde<Windowed<K>>, valueSerde: Serde<V>): StoreDefinition {
  return {
    name,
    kind: 'suppression-buffer',
    serdes: [keySerde, valueSerde],
    create: (serdeTopic, changeLogger) => new InMemorySuppressionBuffer(name, keySerde, valueSerde, serdeTopic, changeLogger),
  };
}
