/**
 * KStream<K, V>: an unbounded stream of records with keys of type K and values of type V. Every
 * operator adds one node to the topology and returns a new typed handle; key-changing operators
 * mark the stream so that a later grouping or join goes through a repartition topic.
 */
import type { ProcessorSupplier } from '../api/processor.js';
import type { KeyValue } from '../api/record.js';
import { InvalidTopologyError } from '../errors.js';
import { FilterProcessor } from '../operators/filter.js';
import { FlatMapValuesProcessor } from '../operators/flat-map-values.js';
import { FlatMapProcessor } from '../operators/flat-map.js';
import { MapValuesProcessor } from '../operators/map-values.js';
import { MapProcessor } from '../operators/map.js';
import { PassThroughProcessor } from '../operators/pass-through.js';
import { PeekProcessor } from '../operators/peek.js';
import { SelectKeyProcessor } from '../operators/select-key.js';
import { StreamTableJoinProcessor } from '../operators/stream-table-join.js';
import type { Serde } from '../serdes/serde.js';
import { BranchedKStream } from './branched-kstream.js';
import type { Grouped, Produced } from './dsl-options.js';
import { KGroupedStream } from './kgrouped-stream.js';
import type { KTable } from './ktable.js';
import { STATE, addRepartition, erase, eraseSerde, requireSerde, type StreamState } from './stream-state.js';

/** Options of `process`: a node name and the stores the processor uses. */
export interface ProcessOptions {
  name?: string;
  stores?: readonly string[];
}

/** A typed record stream; see the file header. Obtain one from `StreamsBuilder.stream`. */
export class KStream<K, V> {
  /** @internal */
  readonly [STATE]: StreamState<K, V>;

  /** @internal Use `StreamsBuilder.stream`. */
  constructor(state: StreamState<K, V>) {
    this[STATE] = state;
  }

  /** Keeps the records for which `predicate(key, value)` is true. */
  filter(predicate: (key: K, value: V) => boolean, name?: string): KStream<K, V> {
    return this.derive('KSTREAM-FILTER', name, () => new FilterProcessor<K, V>(predicate, false), this[STATE].keySerde, this[STATE].valueSerde, this[STATE].repartitionRequired);
  }

  /** Keeps the records for which `predicate(key, value)` is false. */
  filterNot(predicate: (key: K, value: V) => boolean, name?: string): KStream<K, V> {
    return this.derive('KSTREAM-FILTER', name, () => new FilterProcessor<K, V>(predicate, true), this[STATE].keySerde, this[STATE].valueSerde, this[STATE].repartitionRequired);
  }

  /** Replaces key and value with `mapper(key, value)` (marks the stream for repartitioning). */
  map<KR, VR>(mapper: (key: K, value: V) => KeyValue<KR, VR>, name?: string): KStream<KR, VR> {
    return this.derive<KR, VR>('KSTREAM-MAP', name, () => new MapProcessor(mapper), undefined, undefined, true);
  }

  /** Replaces the value with `mapper(value, key)`; the key and its partitioning are kept. */
  mapValues<VR>(mapper: (value: V, key: K) => VR, name?: string): KStream<K, VR> {
    return this.derive<K, VR>('KSTREAM-MAPVALUES', name, () => new MapValuesProcessor(mapper), this[STATE].keySerde, undefined, this[STATE].repartitionRequired);
  }

  /** Replaces each record with the pairs of `mapper(key, value)`, zero or more (marks the stream for repartitioning). */
  flatMap<KR, VR>(mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>, name?: string): KStream<KR, VR> {
    return this.derive<KR, VR>('KSTREAM-FLATMAP', name, () => new FlatMapProcessor(mapper), undefined, undefined, true);
  }

  /** Replaces each record with one record per value of `mapper(value, key)`, keeping the key. */
  flatMapValues<VR>(mapper: (value: V, key: K) => Iterable<VR>, name?: string): KStream<K, VR> {
    return this.derive<K, VR>('KSTREAM-FLATMAPVALUES', name, () => new FlatMapValuesProcessor(mapper), this[STATE].keySerde, undefined, this[STATE].repartitionRequired);
  }

  /** Calls `action(key, value)` for each record and passes the record on unchanged. */
  peek(action: (key: K, value: V) => void, name?: string): KStream<K, V> {
    return this.derive('KSTREAM-PEEK', name, () => new PeekProcessor<K, V>(action), this[STATE].keySerde, this[STATE].valueSerde, this[STATE].repartitionRequired);
  }

  /** Sets the key to `selector(key, value)` (marks the stream for repartitioning). */
  selectKey<KR>(selector: (key: K, value: V) => KR, name?: string): KStream<KR, V> {
    return this.derive<KR, V>('KSTREAM-KEY-SELECT', name, () => new SelectKeyProcessor(selector), undefined, this[STATE].valueSerde, true);
  }

  /** Starts splitting the stream into named branches: each record goes to the first branch whose predicate holds. */
  split(name?: string): BranchedKStream<K, V, never> {
    const state = this[STATE];
    const nodeName = name ?? state.builder.newName('KSTREAM-BRANCH');
    return new BranchedKStream<K, V, never>(state, nodeName);
  }

  /** Merges `other` into this stream: the result carries the records of both. */
  merge(other: KStream<K, V>, name?: string): KStream<K, V> {
    const state = this[STATE];
    const theirs = other[STATE];
    if (theirs.builder !== state.builder) throw new InvalidTopologyError('merge: both streams must come from the same StreamsBuilder');
    const nodeName = name ?? state.builder.newName('KSTREAM-MERGE');
    state.builder.addProcessor(nodeName, erase(() => new PassThroughProcessor<K, V>()), [state.nodeName, theirs.nodeName]);
    return new KStream<K, V>({
      builder: state.builder,
      nodeName,
      keySerde: state.keySerde === theirs.keySerde ? state.keySerde : undefined,
      valueSerde: state.valueSerde === theirs.valueSerde ? state.valueSerde : undefined,
      repartitionRequired: state.repartitionRequired || theirs.repartitionRequired,
      sourceNodes: [...new Set([...state.sourceNodes, ...theirs.sourceNodes])],
    });
  }

  /** Writes every record to `topic`, with the stream's serdes unless `produced` gives others. */
  to(topic: string, produced: Produced<K, V> = {}): void {
    const state = this[STATE];
    const keySerde = requireSerde(produced.keySerde ?? state.keySerde, `to(${topic}) key`);
    const valueSerde = requireSerde(produced.valueSerde ?? state.valueSerde, `to(${topic}) value`);
    const nodeName = produced.name ?? state.builder.newName('KSTREAM-SINK');
    state.builder.addSink(nodeName, topic, { internal: false, keySerde: eraseSerde(keySerde), valueSerde: eraseSerde(valueSerde) }, [state.nodeName]);
  }

  /**
   * Runs a custom processor on each record; it may forward records of other types and use the given
   * stores (declared with `builder.addStateStore`). Marks the stream for repartitioning.
   */
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...storeNames: string[]): KStream<KOut, VOut>;
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, options: ProcessOptions): KStream<KOut, VOut>;
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...rest: (string | ProcessOptions)[]): KStream<KOut, VOut> {
    const options: ProcessOptions = typeof rest[0] === 'object' ? rest[0] : { stores: rest.filter((s): s is string => typeof s === 'string') };
    const stream = this.derive<KOut, VOut>('KSTREAM-PROCESSOR', options.name, supplier, undefined, undefined, true);
    if (options.stores && options.stores.length > 0) this[STATE].builder.connectStores(stream[STATE].nodeName, options.stores);
    return stream;
  }

  /** Groups by the current key (repartitioning first if the key changed upstream). */
  groupByKey(grouped: Grouped<K, V> = {}): KGroupedStream<K, V> {
    const state = this[STATE];
    return new KGroupedStream<K, V>(state, grouped.keySerde ?? state.keySerde, grouped.valueSerde ?? state.valueSerde, state.repartitionRequired, grouped.name);
  }

  /** Groups by `selector(key, value)`: always through a repartition topic, so grouped serdes are needed. */
  groupBy<KR>(selector: (key: K, value: V) => KR, grouped: Grouped<KR, V> = {}): KGroupedStream<KR, V> {
    const selected = this.selectKey(selector);
    return new KGroupedStream<KR, V>(selected[STATE], grouped.keySerde, grouped.valueSerde ?? this[STATE].valueSerde, true, grouped.name);
  }

  /** Inner stream-table join: each record with a matching table row yields `joiner(value, tableValue, key)`. */
  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT, key: K) => VR, name?: string): KStream<K, VR> {
    return this.joinTable(table, (value, tableValue, key) => joiner(value, tableValue as VT, key), false, name ?? 'KSTREAM-JOIN');
  }

  /** Left stream-table join: every record yields `joiner(value, tableValue or null, key)`. */
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | null, key: K) => VR, name?: string): KStream<K, VR> {
    return this.joinTable(table, joiner, true, name ?? 'KSTREAM-LEFTJOIN');
  }

  private joinTable<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | null, key: K) => VR, left: boolean, nameOrPrefix: string): KStream<K, VR> {
    const state = this[STATE];
    const tableState = table[STATE];
    if (tableState.builder !== state.builder) throw new InvalidTopologyError('join: stream and table must come from the same StreamsBuilder');
    if (tableState.storeName === undefined || tableState.storeKind !== 'key-value') {
      throw new InvalidTopologyError('join: the table must be materialized in a key-value store (builder.table or a non-windowed aggregation)');
    }
    const storeName = tableState.storeName;
    const nodeName = nameOrPrefix.startsWith('KSTREAM-') ? state.builder.newName(nameOrPrefix) : nameOrPrefix;
    let parent = state.nodeName;
    let sources = state.sourceNodes;
    if (state.repartitionRequired) {
      // The table's key type is the stream's, so its key serde can encode the repartition topic too.
      parent = addRepartition(state.builder, state.nodeName, `${nodeName}-left`, state.keySerde ?? tableState.keySerde, state.valueSerde, 'join');
      sources = [parent];
    }
    state.builder.addProcessor(nodeName, erase(() => new StreamTableJoinProcessor<K, V, VT, VR>(storeName, joiner, left)), [parent]);
    state.builder.connectStores(nodeName, [storeName]);
    state.builder.copartition([...new Set([...sources, ...tableState.sourceNodes])]);
    return new KStream<K, VR>({ builder: state.builder, nodeName, keySerde: state.keySerde ?? tableState.keySerde, valueSerde: undefined, repartitionRequired: false, sourceNodes: [...sources, ...tableState.sourceNodes] });
  }

  private derive<KR, VR>(
    prefix: string,
    name: string | undefined,
    supplier: ProcessorSupplier<K, V, KR, VR>,
    keySerde: Serde<KR> | undefined,
    valueSerde: Serde<VR> | undefined,
    repartitionRequired: boolean,
  ): KStream<KR, VR> {
    const state = this[STATE];
    const nodeName = name ?? state.builder.newName(prefix);
    state.builder.addProcessor(nodeName, erase(supplier), [state.nodeName]);
    return new KStream<KR, VR>({ builder: state.builder, nodeName, keySerde, valueSerde, repartitionRequired, sourceNodes: state.sourceNodes });
  }
}
