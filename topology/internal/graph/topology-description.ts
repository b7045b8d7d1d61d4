/**
 * The text (Kafka Streams' TopologyDescription format) and Mermaid renderings of a topology.
 */
import type { TopologyInternals } from './topology.js';

/** A printable description of a topology: `toString()` gives the Kafka Streams text, `toMermaid()` a flowchart. */
export class TopologyDescription {
  constructor(private readonly topology: TopologyInternals) {}

  /** Sub-topology ids with the names of their nodes, in declaration order. */
  get subtopologies(): readonly { id: number; nodes: readonly string[]; stores: readonly string[] }[] {
    return this.topology.subtopologies.map((s) => ({ id: s.id, nodes: s.nodes.map((n) => n.name), stores: s.storeNames }));
  }

  /** The Kafka Streams text format: `Topologies:` then each sub-topology with its nodes and edges. */
  toString(): string {
    const lines = ['Topologies:'];
    for (const sub of this.topology.subtopologies) {
      lines.push(`   Sub-topology: ${sub.id}`);
      for (const node of sub.nodes) {
        if (node.kind === 'source') lines.push(`    Source: ${node.name} (topics: [${node.topic}])`);
        else if (node.kind === 'processor') lines.push(`    Processor: ${node.name} (stores: [${node.stores.join(', ')}])`);
        else lines.push(`    Sink: ${node.name} (topic: ${node.topic})`);
        const children = this.topology.children.get(node.name) ?? [];
        if (node.kind !== 'sink') lines.push(`      --> ${children.length > 0 ? children.join(', ') : 'none'}`);
        if (node.kind !== 'source') lines.push(`      <-- ${node.parents.join(', ')}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  /** A Mermaid flowchart: one subgraph per sub-topology, topics as parallelograms, stores as cylinders. */
  toMermaid(): string {
    const ids = new Map<string, string>();
    const id = (kind: string, name: string): string => {
      const k = `${kind}:${name}`;
      if (!ids.has(k)) ids.set(k, `${kind}${ids.size}`);
      return ids.get(k)!;
    };
    const label = (text: string): string => `"${text.replace(/"/g, '#quot;')}"`;
    const lines = ['flowchart TD'];
    const edges: string[] = [];
    const outside: string[] = [];
    const seenOutside = new Set<string>();
    const declareOutside = (key: string, shape: string): void => {
      if (!seenOutside.has(key)) {
        seenOutside.add(key);
        outside.push(`  ${shape}`);
      }
    };
    for (const sub of this.topology.subtopologies) {
      lines.push(`  subgraph sub${sub.id} [${label(`Sub-topology ${sub.id}`)}]`);
      for (const node of sub.nodes) {
        lines.push(`    ${id('n', node.name)}[${label(node.name)}]`);
        if (node.kind === 'source') {
          declareOutside(`t:${node.topic}`, `${id('t', node.topic)}[/${label(node.topic)}/]`);
          edges.push(`  ${id('t', node.topic)} --> ${id('n', node.name)}`);
        } else {
          for (const p of node.parents) edges.push(`  ${id('n', p)} --> ${id('n', node.name)}`);
          if (node.kind === 'sink') {
            declareOutside(`t:${node.topic}`, `${id('t', node.topic)}[/${label(node.topic)}/]`);
            edges.push(`  ${id('n', node.name)} --> ${id('t', node.topic)}`);
          } else {
            for (const store of node.stores) {
              declareOutside(`s:${store}`, `${id('s', store)}[(${label(store)})]`);
              edges.push(`  ${id('n', node.name)} -.- ${id('s', store)}`);
            }
          }
        }
      }
      lines.push('  end');
    }
    return `${[...lines, ...outside, ...edges].join('\n')}\n`;
  }
}
