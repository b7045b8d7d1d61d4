/**
 * TimeWindowedKStream<K, V>: a grouped stream cut into time windows. Aggregations keep one value per
 * key and window in a window store (retention at least size + grace) and yield a KTable keyed by
 * `Windowed<K>`; records later than the grace period are late (counted, dropped or dead-lettered).
 */
import type { TimeWindows, Windowed } from '../api/windowed.js';
import { longSerde } from '../codecs/long-serde.js';
import { windowedSerde } from '../codecs/windowed-serde.js';
import { InvalidTopologyError } from '../errors.js';
import { windowStoreDefinition } from '../graph/store-definition.js';
import { WindowedAggregateProcessor, type Aggregator } from '../operators/windowed-aggregate.js';
import type { Serde } from '../serdes/serde.js';
import type { Materialized } from './dsl-options.js';
import { aggregationParent, type GroupedState } from './kgrouped-stream.js';
import { KTable } from './ktable.js';
import { STATE, erase, requireSerde } from './stream-state.js';

const EMPTY: unique symbol = Symbol('empty-reduce');

/** A windowed grouped stream; see the file header. */
export class TimeWindowedKStream<K, V> {
  /** @internal */
  readonly [STATE]: GroupedState<K, V>;

  /** @internal Use `KGroupedStream#windowedBy`. */
  constructor(
    grouped: GroupedState<K, V>,
    private readonly windows: TimeWindows,
  ) {
    this[STATE] = grouped;
  }

  /** Counts records per key and window. */
  count(materialized: Omit<Materialized<number>, 'valueSerde'> = {}): KTable<Windowed<K>, number> {
    return this.aggregateWith('KSTREAM-AGGREGATE', () => 0, (_key, _value, count) => count + 1, { ...materialized, valueSerde: longSerde });
  }

  /** Folds each record into the aggregate of every window containing it, starting from `initializer()`. */
  aggregate<VA>(initializer: () => VA, aggregator: Aggregator<K, V, VA>, materialized: Materialized<VA> & { valueSerde: Serde<VA> }): KTable<Windowed<K>, VA> {
    return this.aggregateWith('KSTREAM-AGGREGATE', initializer, aggregator, materialized);
  }

  /** Combines the records of each key and window with `reducer` (the first record is the initial value). */
  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<V> = {}): KTable<Windowed<K>, V> {
    const valueSerde = requireSerde(materialized.valueSerde ?? this[STATE].valueSerde, 'reduce value');
    const table = this.aggregateWith<V | typeof EMPTY>(
      'KSTREAM-REDUCE',
      () => EMPTY,
      (_key, value, aggregate) => (aggregate === EMPTY ? value : reducer(aggregate, value)),
      { ...materialized, valueSerde: valueSerde as Serde<V | typeof EMPTY> },
    );
    return table as unknown as KTable<Windowed<K>, V>;
  }

  private aggregateWith<VA>(prefix: string, initializer: () => VA, aggregator: Aggregator<K, V, VA>, materialized: Materialized<VA>): KTable<Windowed<K>, VA> {
    const grouped = this[STATE];
    const { builder } = grouped.stream;
    const { sizeMs, graceMs } = this.windows;
    const retentionMs = materialized.retentionMs ?? sizeMs + graceMs;
    if (retentionMs < sizeMs + graceMs) {
      throw new InvalidTopologyError(`window store retention ${retentionMs} ms must be at least window size + grace (${sizeMs + graceMs} ms)`);
    }
    const storeName = materialized.name ?? builder.newName(`${prefix}-STATE-STORE`);
    const keySerde = requireSerde(grouped.keySerde, `windowed ${prefix} key (pass Grouped keySerde)`);
    const valueSerde = requireSerde(materialized.valueSerde, `windowed ${prefix} value (pass Materialized valueSerde)`);
    const parent = aggregationParent(grouped, storeName);
    builder.addStore(windowStoreDefinition(storeName, sizeMs, retentionMs, keySerde, valueSerde));
    const nodeName = builder.newName(prefix);
    const windows = this.windows;
    builder.addProcessor(nodeName, erase(() => new WindowedAggregateProcessor<K, V, VA>(storeName, windows, initializer, aggregator)), [parent.node]);
    builder.connectStores(nodeName, [storeName]);
    return new KTable<Windowed<K>, VA>({
      builder,
      nodeName,
      keySerde: windowedSerde(keySerde, sizeMs),
      valueSerde,
      repartitionRequired: false,
      sourceNodes: parent.sources,
      storeName,
      storeKind: 'window',
      windows,
    });
  }
}
