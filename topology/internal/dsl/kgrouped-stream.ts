/**
 * KGroupedStream<K, V>: records grouped by key, ready to aggregate, either windowed (`windowedBy`)
 * or into one running value per key. If the key changed upstream, the first aggregation inserts a
 * repartition topic (`<name or store name>-repartition`) so each key is aggregated by one task.
 */
import type { TimeWindows } from '../api/windowed.js';
import { keyValueStoreDefinition } from '../graph/store-definition.js';
import { KeyValueAggregateProcessor } from '../operators/kv-aggregate.js';
import type { Aggregator } from '../operators/windowed-aggregate.js';
import { longSerde } from '../codecs/long-serde.js';
import type { Serde } from '../serdes/serde.js';
import type { Materialized } from './dsl-options.js';
import { KTable } from './ktable.js';
import { STATE, addRepartition, erase, requireSerde, type StreamState } from './stream-state.js';
import { TimeWindowedKStream } from './time-windowed-kstream.js';

/** Hidden state shared by grouped and windowed handles. */
export interface GroupedState<K, V> {
  readonly stream: StreamState<K, V>;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly repartitionRequired: boolean;
  readonly repartitionName: string | undefined;
  /** Source node feeding the aggregations once repartitioned (created on first use, then shared). */
  repartitionSource?: string;
}

/** Returns the node aggregations of `grouped` attach to, inserting the repartition topic on first use. */
export function aggregationParent<K, V>(grouped: GroupedState<K, V>, storeName: string): { node: string; sources: readonly string[] } {
  const { stream } = grouped;
  if (!grouped.repartitionRequired) return { node: stream.nodeName, sources: stream.sourceNodes };
  grouped.repartitionSource ??= addRepartition(stream.builder, stream.nodeName, grouped.repartitionName ?? storeName, grouped.keySerde, grouped.valueSerde, 'grouping');
  return { node: grouped.repartitionSource, sources: [grouped.repartitionSource] };
}

const EMPTY: unique symbol = Symbol('empty-reduce');

/** A grouped stream; see the file header. */
export class KGroupedStream<K, V> {
  /** @internal */
  readonly [STATE]: GroupedState<K, V>;

  /** @internal Use `KStream#groupByKey` or `KStream#groupBy`. */
  constructor(stream: StreamState<K, V>, keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, repartitionRequired: boolean, repartitionName: string | undefined) {
    this[STATE] = { stream, keySerde, valueSerde, repartitionRequired, repartitionName };
  }

  /** Aggregates per key and time window from here on. */
  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V> {
    return new TimeWindowedKStream<K, V>(this[STATE], windows);
  }

  /** Counts records per key (null keys and values are skipped). */
  count(materialized: Omit<Materialized<number>, 'valueSerde' | 'retentionMs'> = {}): KTable<K, number> {
    return this.aggregateWith('KSTREAM-AGGREGATE', () => 0, (_key, _value, count) => count + 1, { ...materialized, valueSerde: longSerde });
  }

  /** Folds each record into its key's aggregate, starting from `initializer()`. */
  aggregate<VA>(initializer: () => VA, aggregator: Aggregator<K, V, VA>, materialized: Omit<Materialized<VA>, 'retentionMs'> & { valueSerde: Serde<VA> }): KTable<K, VA> {
    return this.aggregateWith('KSTREAM-AGGREGATE', initializer, aggregator, materialized);
  }

  /** Combines each record with its key's current value (the first record is the initial value). */
  reduce(reducer: (aggregate: V, value: V) => V, materialized: Omit<Materialized<V>, 'retentionMs'> = {}): KTable<K, V> {
    const valueSerde = materialized.valueSerde ?? this[STATE].valueSerde;
    const table = this.aggregateWith<V | typeof EMPTY>(
      'KSTREAM-REDUCE',
      () => EMPTY,
      (_key, value, aggregate) => (aggregate === EMPTY ? value : reducer(aggregate, value)),
      { ...materialized, valueSerde: requireSerde(valueSerde, 'reduce value') as Serde<V | typeof EMPTY> },
    );
    return table as unknown as KTable<K, V>;
  }

  private aggregateWith<VA>(prefix: string, initializer: () => VA, aggregator: Aggregator<K, V, VA>, materialized: Materialized<VA>): KTable<K, VA> {
    const grouped = this[STATE];
    const { builder } = grouped.stream;
    const storeName = materialized.name ?? builder.newName(`${prefix}-STATE-STORE`);
    const keySerde = requireSerde(grouped.keySerde, `${prefix} key (pass Grouped keySerde)`);
    const valueSerde = requireSerde(materialized.valueSerde, `${prefix} value (pass Materialized valueSerde)`);
    const parent = aggregationParent(grouped, storeName);
    builder.addStore(keyValueStoreDefinition(storeName, keySerde, valueSerde));
    const nodeName = builder.newName(prefix);
    builder.addProcessor(nodeName, erase(() => new KeyValueAggregateProcessor<K, V, VA>(storeName, initializer, aggregator)), [parent.node]);
    builder.connectStores(nodeName, [storeName]);
    return new KTable<K, VA>({ builder, nodeName, keySerde, valueSerde, repartitionRequired: false, sourceNodes: parent.sources, storeName, storeKind: 'key-value' });
  }
}
