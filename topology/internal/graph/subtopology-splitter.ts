/**
 * Cuts a topology into sub-topologies: nodes connected by parent/child edges or sharing a state store
 * belong together; repartition topics (a sink in one, a source in another) are the only links between
 * sub-topologies. Numbered in declaration order, as Kafka Streams does.
 */
import type { NodeDefinition } from './node-definitions.js';

/** One connected part of the topology, with its nodes in declaration order. */
export interface Subtopology {
  readonly id: number;
  readonly nodes: readonly NodeDefinition[];
  readonly storeNames: readonly string[];
}

/** Returns the sub-topologies of `nodes` (given in declaration order). */
export function splitSubtopologies(nodes: readonly NodeDefinition[]): Subtopology[] {
  const parent = new Map<string, string>(nodes.map((node) => [node.name, node.name]));
  const find = (name: string): string => {
    let root = name;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(name, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const storeOwner = new Map<string, string>();
  for (const node of nodes) {
    if (node.kind !== 'source') for (const p of node.parents) union(node.name, p);
    if (node.kind === 'processor') {
      for (const store of node.stores) {
        const owner = storeOwner.get(store);
        if (owner === undefined) storeOwner.set(store, node.name);
        else union(owner, node.name);
      }
    }
  }
  const groups = new Map<string, NodeDefinition[]>();
  for (const node of nodes) {
    const root = find(node.name);
    const group = groups.get(root);
    if (group) group.push(node);
    else groups.set(root, [node]);
  }
  // Map keeps insertion order: groups come in the order of their first declared node.
  return [...groups.values()].map((group, id) => ({
    id,
    nodes: group,
    storeNames: [...new Set(group.flatMap((node) => (node.kind === 'processor' ? node.stores : [])))],
  }));
}
