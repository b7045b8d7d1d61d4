import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Topology } from '../../topology/index.js';

/** Options of `sawmill topology describe`. */
export interface TopologyDescribeOptions {
  /** Module that builds the topology (a path to a .js file, or .ts under tsx); default the log pipeline, processors/pipeline.ts. */
  module?: string;
  /** Name of the export: a Topology, or a function without arguments returning one. Default `buildTopology`. */
  export?: string;
  /** Print a Mermaid flowchart instead of the Kafka Streams-style text. */
  mermaid?: boolean;
}

/**
 * `sawmill topology describe [--module <file>]`: loads a module that declares a topology and prints
 * its description (sub-topologies, sources, processors, stores, sinks) or its Mermaid rendering.
 * Exits 2 with a message when the module or the export is missing or is not a topology.
 */
export async function topologyDescribeCommand(options: TopologyDescribeOptions): Promise<void> {
  const exportName = options.export ?? 'buildTopology';
  const module = options.module;
  // The pipeline is imported by a static specifier, so it resolves beside this file both from dist/ and under tsx.
  const path = module === undefined ? 'processors/pipeline' : isAbsolute(module) ? module : resolve(process.cwd(), module);
  let loaded: Record<string, unknown>;
  try {
    loaded = (module === undefined ? await import('../../processors/pipeline.js') : await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    return fail(`cannot load ${path}: ${(error as Error).message}`);
  }
  const candidate = loaded[exportName];
  let topology: unknown = candidate;
  if (typeof candidate === 'function') topology = (candidate as () => unknown)();
  if (!isTopology(topology)) {
    return fail(`${path} has no export ${JSON.stringify(exportName)} that is a Topology or a function returning one`);
  }
  const description = topology.describe();
  process.stdout.write(`${options.mermaid ? description.toMermaid() : description.toString()}\n`);
}

// Checked by shape, not instanceof: the module may import the library from sources (tsx) while
// the CLI runs from dist, which makes two distinct Topology classes.
function isTopology(value: unknown): value is Topology {
  return typeof value === 'object' && value !== null && typeof (value as { describe?: unknown }).describe === 'function';
}

function fail(message: string): void {
  process.stderr.write(`sawmill topology describe: ${message}\n`);
  process.exitCode = 2;
}
