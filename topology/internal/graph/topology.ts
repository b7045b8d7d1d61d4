/**
 * What `StreamsBuilder.build()` returns: an immutable graph of sources, processors, sinks and stores,
 * cut into sub-topologies. Users only `describe()` it and hand it to `startTopology` or the test
 * driver; the internals are reached through `topologyInternals`.
 */
import { InvalidTopologyError } from '../errors.js';
import type { NodeDefinition } from './node-definitions.js';
import type { StoreDefinition } from './store-definition.js';
import { splitSubtopologies, type Subtopology } from './subtopology-splitter.js';
import { TopologyDescription } from './topology-description.js';

/** The parts of a Topology the task factory and planner need (not public). */
export interface TopologyInternals {
  readonly nodes: readonly NodeDefinition[];
  readonly nodesByName: ReadonlyMap<string, NodeDefinition>;
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly stores: ReadonlyMap<string, StoreDefinition>;
  readonly subtopologies: readonly Subtopology[];
  /** Groups of source node names whose topics must be co-partitioned. */
  readonly copartitionGroups: readonly (readonly string[])[];
}

const internals = new WeakMap<Topology, TopologyInternals>();

/** Returns the internals of `topology` (for the task factory, planner and test driver). */
export function topologyInternals(topology: Topology): TopologyInternals {
  const found = internals.get(topology);
  if (!found) throw new InvalidTopologyError('not a Topology built by StreamsBuilder.build()');
  return found;
}

/** A built topology: describe it, run it with `startTopology`, or test it with `TopologyTestDriver`. */
export class Topology {
  /** Use `StreamsBuilder.build()`; the constructor is not part of the public API. */
  constructor(nodes: readonly NodeDefinition[], stores: readonly StoreDefinition[], copartitionGroups: readonly (readonly string[])[]) {
    const nodesByName = new Map(nodes.map((node) => [node.name, node]));
    const children = new Map<string, string[]>(nodes.map((node) => [node.name, []]));
    for (const node of nodes) if (node.kind !== 'source') for (const p of node.parents) children.get(p)!.push(node.name);
    const storeMap = new Map(stores.map((store) => [store.name, store]));
    for (const node of nodes) {
      if (node.kind === 'processor') {
        for (const store of node.stores) if (!storeMap.has(store)) throw new InvalidTopologyError(`processor ${node.name} uses unknown store ${store}`);
      }
    }
    internals.set(this, {
      nodes,
      nodesByName,
      children,
      stores: storeMap,
      subtopologies: splitSubtopologies(nodes),
      copartitionGroups,
    });
  }

  /** Lists sub-topologies, sources (with topics), processors (with stores) and sinks (with topics), like Kafka Streams' `Topology#describe`. */
  describe(): TopologyDescription {
    return new TopologyDescription(topologyInternals(this));
  }
}
