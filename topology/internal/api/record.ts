/**
 * The record that flows between processors: typed key and value, event time and headers
 * (Kafka Streams' `Record`). Records are immutable: operators build new ones.
 */

/** Record headers: names to raw bytes or strings. */
export type Headers = { readonly [name: string]: Buffer | string };

/** One record inside a topology; `key`/`value` are null for keyless records and tombstones. */
export interface Record<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  /** Event time in ms since the epoch. */
  readonly timestamp: number;
  readonly headers: Headers;
}

/** A key-value pair as returned by `map`/`flatMap` mappers and store iterators. */
export type KeyValue<K, V> = readonly [key: K, value: V];
