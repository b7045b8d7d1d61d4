/**
 * Collects the nodes, stores and co-partition requirements declared through the DSL (or directly)
 * and turns them into an immutable Topology. Names are unique; a topic is read by one source only.
 */
import type { ProcessorSupplier } from '../api/processor.js';
import { InvalidTopologyError } from '../errors.js';
import type { Serde } from '../serdes/serde.js';
import type { NodeDefinition, TimestampExtractor } from './node-definitions.js';
import type { StoreDefinition } from './store-definition.js';
import { Topology } from './topology.js';

/** Mutable graph under construction; `build()` freezes it into a Topology. */
export class InternalTopologyBuilder {
  private readonly nodes = new Map<string, NodeDefinition>();
  private readonly stores = new Map<string, StoreDefinition>();
  private readonly sourceTopics = new Set<string>();
  /** Each group: names of source nodes whose topics must be co-partitioned. */
  private readonly copartitionGroups: string[][] = [];
  private counter = 0;

  /** Returns `<prefix>-<10-digit index>`, the Kafka Streams naming of generated nodes and stores. */
  newName(prefix: string): string {
    return `${prefix}-${String(this.counter++).padStart(10, '0')}`;
  }

  /** Adds a source node reading `topic`. */
  addSource(
    name: string,
    topic: string,
    options: { internal: boolean; keySerde: Serde<unknown>; valueSerde: Serde<unknown>; timestampExtractor?: TimestampExtractor<unknown, unknown> },
  ): void {
    const key = `${options.internal ? 'internal:' : ''}${topic}`;
    if (this.sourceTopics.has(key)) throw new InvalidTopologyError(`topic ${JSON.stringify(topic)} is already read by another source`);
    this.sourceTopics.add(key);
    this.add({ kind: 'source', name, topic, ...options });
  }

  /** Adds a processor node fed by `parents`. */
  addProcessor(name: string, supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>, parents: readonly string[]): void {
    this.requireParents(name, parents);
    this.add({ kind: 'processor', name, parents: [...parents], supplier, stores: [] });
  }

  /** Adds a sink node writing `topic`. */
  addSink(name: string, topic: string, options: { internal: boolean; keySerde: Serde<unknown>; valueSerde: Serde<unknown> }, parents: readonly string[]): void {
    this.requireParents(name, parents);
    this.add({ kind: 'sink', name, topic, parents: [...parents], ...options });
  }

  /** Registers a store; it must then be connected to the processors that use it. */
  addStore(definition: StoreDefinition): void {
    if (this.stores.has(definition.name)) throw new InvalidTopologyError(`store ${JSON.stringify(definition.name)} is declared twice`);
    this.stores.set(definition.name, definition);
  }

  /** Gives `processorName` access to the stores `storeNames`. */
  connectStores(processorName: string, storeNames: readonly string[]): void {
    const node = this.nodes.get(processorName);
    if (node?.kind !== 'processor') throw new InvalidTopologyError(`no processor named ${JSON.stringify(processorName)}`);
    for (const store of storeNames) {
      if (!this.stores.has(store)) throw new InvalidTopologyError(`processor ${processorName} uses unknown store ${JSON.stringify(store)}`);
      if (!node.stores.includes(store)) node.stores.push(store);
    }
  }

  /** Requires the topics of the given source nodes to have equal partition counts (joins). */
  copartition(sourceNodeNames: readonly string[]): void {
    this.copartitionGroups.push([...sourceNodeNames]);
  }

  /** Freezes the graph; throws InvalidTopologyError when it is empty or a processor's stores are missing. */
  build(): Topology {
    if (this.nodes.size === 0) throw new InvalidTopologyError('the topology has no nodes: declare at least one stream or table');
    return new Topology([...this.nodes.values()], [...this.stores.values()], this.copartitionGroups.map((group) => [...group]));
  }

  private add(node: NodeDefinition): void {
    if (this.nodes.has(node.name)) throw new InvalidTopologyError(`a node named ${JSON.stringify(node.name)} already exists`);
    this.nodes.set(node.name, node);
  }

  private requireParents(name: string, parents: readonly string[]): void {
    if (parents.length === 0) throw new InvalidTopologyError(`node ${name} needs at least one parent`);
    for (const parent of parents) {
      const node = this.nodes.get(parent);
      if (!node) throw new InvalidTopologyError(`node ${name}: unknown parent ${JSON.stringify(parent)}`);
      if (node.kind === 'sink') throw new InvalidTopologyError(`node ${name}: a sink (${parent}) cannot have children`);
    }
  }
}
