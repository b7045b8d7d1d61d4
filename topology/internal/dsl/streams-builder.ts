/**
 * StreamsBuilder: the entry of the DSL. Declare source streams and tables (their serdes fix the
 * types that flow through every operator), stores for custom processors, then `build()` the Topology.
 */
import type { Topology } from '../graph/topology.js';
import { InternalTopologyBuilder } from '../graph/internal-topology-builder.js';
import type { TimestampExtractor } from '../graph/node-definitions.js';
import { keyValueStoreDefinition, windowStoreDefinition } from '../graph/store-definition.js';
import { TableSourceProcessor } from '../operators/table-source.js';
import { InvalidTopologyError } from '../errors.js';
import type { Consumed, StoreSpec, TableConsumed } from './dsl-options.js';
import { KStream } from './kstream.js';
import { KTable } from './ktable.js';
import { erase, eraseSerde } from './stream-state.js';

/** Declares a topology with the DSL; see the file header. */
export class StreamsBuilder {
  private readonly internal = new InternalTopologyBuilder();

  /** A stream of the records of `topic`, typed by the serdes in `consumed`. */
  stream<K, V>(topic: string, consumed: Consumed<K, V>): KStream<K, V> {
    const nodeName = consumed.name ?? this.internal.newName('KSTREAM-SOURCE');
    this.addSource(nodeName, topic, consumed);
    return new KStream<K, V>({ builder: this.internal, nodeName, keySerde: consumed.keySerde, valueSerde: consumed.valueSerde, repartitionRequired: false, sourceNodes: [nodeName] });
  }

  /** A table of the latest value per key of the compacted `topic`; a null value (tombstone) deletes the key. */
  table<K, V>(topic: string, consumed: TableConsumed<K, V>): KTable<K, V> {
    const sourceName = consumed.name ?? this.internal.newName('KSTREAM-SOURCE');
    this.addSource(sourceName, topic, consumed);
    const storeName = consumed.storeName ?? this.internal.newName(`${topic}-STATE-STORE`);
    this.internal.addStore(keyValueStoreDefinition(storeName, consumed.keySerde, consumed.valueSerde));
    const nodeName = this.internal.newName('KTABLE-SOURCE');
    this.internal.addProcessor(nodeName, erase(() => new TableSourceProcessor<K, V>(storeName)), [sourceName]);
    this.internal.connectStores(nodeName, [storeName]);
    return new KTable<K, V>({
      builder: this.internal,
      nodeName,
      keySerde: consumed.keySerde,
      valueSerde: consumed.valueSerde,
      repartitionRequired: false,
      sourceNodes: [sourceName],
      storeName,
      storeKind: 'key-value',
    });
  }

  /** Declares a store for custom processors (`KStream#process(supplier, storeName)`); logged to `<applicationId>-<name>-changelog`. */
  addStateStore<K, V>(spec: StoreSpec<K, V>): this {
    if (spec.type === 'key-value') this.internal.addStore(keyValueStoreDefinition(spec.name, spec.keySerde, spec.valueSerde));
    else {
      if (!(spec.windowSizeMs > 0) || spec.retentionMs < spec.windowSizeMs) {
        throw new InvalidTopologyError(`window store ${spec.name}: need windowSizeMs > 0 and retentionMs >= windowSizeMs`);
      }
      this.internal.addStore(windowStoreDefinition(spec.name, spec.windowSizeMs, spec.retentionMs, spec.keySerde, spec.valueSerde));
    }
    return this;
  }

  /** Freezes what was declared into a Topology (throws InvalidTopologyError when nothing was declared). */
  build(): Topology {
    return this.internal.build();
  }

  private addSource<K, V>(nodeName: string, topic: string, consumed: Consumed<K, V>): void {
    this.internal.addSource(nodeName, topic, {
      internal: false,
      keySerde: eraseSerde(consumed.keySerde),
      valueSerde: eraseSerde(consumed.valueSerde),
      ...(consumed.timestampExtractor ? { timestampExtractor: consumed.timestampExtractor as TimestampExtractor<unknown, unknown> } : {}),
    });
  }
}
