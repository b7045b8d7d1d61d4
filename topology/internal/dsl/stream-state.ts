/**
 * The hidden state of a KStream/KTable handle: which node produces it, the serdes known for its
 * current types, whether its key changed since the last partitioning, and the sources feeding it.
 */
import type { TimeWindows } from '../api/windowed.js';
import { InvalidTopologyError } from '../errors.js';
import type { InternalTopologyBuilder } from '../graph/internal-topology-builder.js';
import type { ProcessorSupplier } from '../api/processor.js';
import type { Serde } from '../serdes/serde.js';

/** Key of the hidden state on DSL handles (not exported from the package). */
export const STATE: unique symbol = Symbol('topology-dsl-state');

/** Hidden state of a stream or table handle. */
export interface StreamState<K, V> {
  readonly builder: InternalTopologyBuilder;
  readonly nodeName: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  /** True when the key may have changed since the records were last partitioned by key. */
  readonly repartitionRequired: boolean;
  /** Source nodes upstream of this handle (for co-partitioning joins). */
  readonly sourceNodes: readonly string[];
  /** Tables only: the store holding the table, and its kind. */
  readonly storeName?: string;
  readonly storeKind?: 'key-value' | 'window';
  /** Windowed tables only: their windows (suppress needs size and grace). */
  readonly windows?: TimeWindows;
}

/** Erases a typed supplier for the type-erased graph; the DSL guarantees the types line up. */
export function erase<KIn, VIn, KOut, VOut>(supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>): ProcessorSupplier<unknown, unknown, unknown, unknown> {
  return supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown>;
}

/** Erases a serde's type for the graph. */
export function eraseSerde<T>(serde: Serde<T>): Serde<unknown> {
  return serde as unknown as Serde<unknown>;
}

/** Returns `serde` or throws InvalidTopologyError naming the operation and what to pass. */
export function requireSerde<T>(serde: Serde<T> | undefined, what: string): Serde<T> {
  if (!serde) throw new InvalidTopologyError(`${what}: no serde is known for the current type; pass it explicitly`);
  return serde;
}

/**
 * Inserts a repartition topic after `parentNode` (a sink and a source of `<baseName>-repartition`)
 * and returns the name of the new source node; the records are re-keyed by partition of their key.
 */
export function addRepartition<K, V>(
  builder: InternalTopologyBuilder,
  parentNode: string,
  baseName: string,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  what: string,
): string {
  const serdes = {
    internal: true,
    keySerde: eraseSerde(requireSerde(keySerde, `${what} (repartition key)`)),
    valueSerde: eraseSerde(requireSerde(valueSerde, `${what} (repartition value)`)),
  };
  const topic = `${baseName}-repartition`;
  builder.addSink(`${topic}-sink`, topic, serdes, [parentNode]);
  builder.addSource(`${topic}-source`, topic, serdes);
  return `${topic}-source`;
}
