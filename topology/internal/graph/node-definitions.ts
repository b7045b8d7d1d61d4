/**
 * The nodes of a topology as declared (before it is cut into tasks): sources read a topic, processors
 * run a Processor, sinks write a topic. Types are erased here; the DSL guarantees they line up.
 */
import type { ProcessorSupplier } from '../api/processor.js';
import type { Serde } from '../serdes/serde.js';

/** What a timestamp extractor sees: the decoded record plus where it was read. */
export interface ConsumedRecord<K, V> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: K | null;
  readonly value: V | null;
  /** The Kafka record timestamp. */
  readonly timestamp: number;
}

/** Returns the event time of a record in ms; the default is the Kafka record timestamp. */
export type TimestampExtractor<K, V> = (record: ConsumedRecord<K, V>) => number;

/** Reads one topic and forwards decoded records to its children. */
export interface SourceNodeDefinition {
  readonly kind: 'source';
  readonly name: string;
  /** Topic name; for internal topics without the applicationId prefix. */
  readonly topic: string;
  /** True for repartition topics (named `<applicationId>-<topic>` at run time). */
  readonly internal: boolean;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly timestampExtractor?: TimestampExtractor<unknown, unknown>;
}

/** Runs one processor per task over the records of its parents. */
export interface ProcessorNodeDefinition {
  readonly kind: 'processor';
  readonly name: string;
  readonly parents: readonly string[];
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  /** Stores this processor may reach through `getStateStore`. */
  readonly stores: string[];
}

/** Encodes records and sends them to one topic. */
export interface SinkNodeDefinition {
  readonly kind: 'sink';
  readonly name: string;
  readonly parents: readonly string[];
  readonly topic: string;
  readonly internal: boolean;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
}

/** Any node of a topology. */
export type NodeDefinition = SourceNodeDefinition | ProcessorNodeDefinition | SinkNodeDefinition;
