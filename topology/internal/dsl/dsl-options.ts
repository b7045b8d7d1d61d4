/**
 * The option objects of the DSL (Kafka Streams' Consumed, Produced, Grouped, Materialized). Serdes
 * are typed by the stream's key and value types, so a serde of the wrong type is a compile error.
 */
import type { TimestampExtractor } from '../graph/node-definitions.js';
import type { Serde } from '../serdes/serde.js';

/** How a source topic is read: serdes (required: they fix the stream's types) and an optional event-time extractor. */
export interface Consumed<K, V> {
  keySerde: Serde<K>;
  valueSerde: Serde<V>;
  /** Event time of each record; default: the Kafka record timestamp. */
  timestampExtractor?: TimestampExtractor<K, V>;
  /** Name of the source node (default KSTREAM-SOURCE-<n>). */
  name?: string;
}

/** How `builder.table` reads a compacted topic: Consumed plus the name of the store that holds the table. */
export interface TableConsumed<K, V> extends Consumed<K, V> {
  /** Store name (default `<topic>-STATE-STORE-<n>`); its changelog is `<applicationId>-<storeName>-changelog`. */
  storeName?: string;
}

/** How `to` writes a topic; serdes default to the stream's own when its types did not change. */
export interface Produced<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  /** Name of the sink node (default KSTREAM-SINK-<n>). */
  name?: string;
}

/** Serdes for grouping (and its repartition topic) and the repartition topic's base name. */
export interface Grouped<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  /** Repartition topic becomes `<applicationId>-<name>-repartition` (default: named after the store). */
  name?: string;
}

/** How an aggregation's store is named and encoded. */
export interface Materialized<VA> {
  /** Store name (default KSTREAM-AGGREGATE-STATE-STORE-<n>). */
  name?: string;
  valueSerde?: Serde<VA>;
  /** Window stores only: how long windows are kept; at least window size + grace (the default). */
  retentionMs?: number;
}

/** A store a custom processor uses, declared with `builder.addStateStore`. */
export type StoreSpec<K, V> =
  | { type: 'key-value'; name: string; keySerde: Serde<K>; valueSerde: Serde<V> }
  | { type: 'window'; name: string; windowSizeMs: number; retentionMs: number; keySerde: Serde<K>; valueSerde: Serde<V> };
