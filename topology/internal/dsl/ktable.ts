/**
 * KTable<K, V>: the latest value per key, as a changelog stream backed by a store. Comes from
 * `builder.table(topic)` (a compacted topic, joinable from a stream) or from an aggregation.
 * Windowed tables can be suppressed until their windows close.
 */
import type { Windowed } from '../api/windowed.js';
import { InvalidTopologyError } from '../errors.js';
import { suppressionBufferDefinition } from '../graph/store-definition.js';
import { PassThroughProcessor } from '../operators/pass-through.js';
import { SuppressProcessor } from '../operators/suppress.js';
import { KStream } from './kstream.js';
import { STATE, erase, requireSerde, type StreamState } from './stream-state.js';

/** When a suppressed windowed table emits: only the final result, once the window is closed. */
export type SuppressionMode = 'untilWindowCloses';

/** A table handle; see the file header. */
export class KTable<K, V> {
  /** @internal */
  readonly [STATE]: StreamState<K, V>;

  /** @internal Use `StreamsBuilder.table` or an aggregation. */
  constructor(state: StreamState<K, V>) {
    this[STATE] = state;
  }

  /** Name of the store holding this table (for `TopologyTestDriver.getKeyValueStore/getWindowStore`), undefined when not materialized. */
  get queryableStoreName(): string | undefined {
    return this[STATE].storeName;
  }

  /** The table's updates as a stream. */
  toStream(name?: string): KStream<K, V> {
    const state = this[STATE];
    const nodeName = name ?? state.builder.newName('KTABLE-TOSTREAM');
    state.builder.addProcessor(nodeName, erase(() => new PassThroughProcessor<K, V>()), [state.nodeName]);
    return new KStream<K, V>({ builder: state.builder, nodeName, keySerde: state.keySerde, valueSerde: state.valueSerde, repartitionRequired: false, sourceNodes: state.sourceNodes });
  }

  /** Holds back a windowed table's updates and emits one final result per window once stream time passes window end + grace. */
  suppress<KW>(this: KTable<Windowed<KW>, V>, mode: SuppressionMode, name?: string): KTable<Windowed<KW>, V> {
    const state = this[STATE];
    if (mode !== 'untilWindowCloses') throw new InvalidTopologyError(`unknown suppression mode ${String(mode)}`);
    if (!state.windows) throw new InvalidTopologyError('suppress(untilWindowCloses) needs a windowed table (windowedBy(...).count/aggregate/reduce)');
    const bufferName = state.builder.newName('KTABLE-SUPPRESS-STATE-STORE');
    const nodeName = name ?? state.builder.newName('KTABLE-SUPPRESS');
    const keySerde = requireSerde(state.keySerde, 'suppress key');
    const valueSerde = requireSerde(state.valueSerde, 'suppress value');
    state.builder.addStore(suppressionBufferDefinition(bufferName, keySerde, valueSerde));
    const graceMs = state.windows.graceMs;
    state.builder.addProcessor(nodeName, erase(() => new SuppressProcessor<KW, V>(bufferName, graceMs)), [state.nodeName]);
    state.builder.connectStores(nodeName, [bufferName]);
    const { storeName: _store, storeKind: _kind, ...rest } = state;
    return new KTable<Windowed<KW>, V>({ ...rest, nodeName });
  }
}
