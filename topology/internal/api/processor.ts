/**
 * The Processor API: custom processors with init/process/close, forwarding to named children,
 * punctuators on stream time or wall-clock time, and access to the state stores connected to them.
 */
import type { Record } from './record.js';
import type { StateStore } from './state-store.js';

/** What drives a punctuator: the task's stream time (record timestamps) or the wall clock. */
export enum PunctuationType {
  STREAM_TIME = 'STREAM_TIME',
  WALL_CLOCK_TIME = 'WALL_CLOCK_TIME',
}

/** Called at each due punctuation with the stream time or wall-clock time that made it due. */
export type Punctuator = (timestampMs: number) => void;

/** Handle of a scheduled punctuator; `cancel()` stops further calls. */
export interface Cancellable {
  cancel(): void;
}

/** Where the record being processed was read (topic, partition, offset); null inside a punctuator. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** What a processor may do besides returning: forward records, schedule punctuators, reach its stores and the task's clocks. */
export interface ProcessorContext<KOut, VOut> {
  /** The application id the topology runs under. */
  readonly applicationId: string;
  /** `<subtopology>_<partition>` of the task running this processor. */
  readonly taskId: string;
  /** Sends `record` to every child, or only to the child named `childName` (throws TopologyError on an unknown child). */
  forward(record: Record<KOut, VOut>, childName?: string): void;
  /** Calls `punctuator` every `intervalMs` of stream time or wall-clock time until cancelled. */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** Returns the store `name` connected to this processor; throws StoreNotFoundError otherwise. */
  getStateStore<S extends StateStore>(name: string): S;
  /** The task's stream time: the largest event time it has processed, -1 before any record. */
  currentStreamTimeMs(): number;
  /** The task's wall-clock time (mocked by the test driver). */
  currentSystemTimeMs(): number;
  /** Topic/partition/offset of the record being processed, null inside a punctuator. */
  recordMetadata(): RecordMetadata | null;
}

/** A custom processor: `init` once per task, `process` per record, `close` when the task closes. */
export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: Record<KIn, VIn>): void;
  close?(): void;
}

/** Creates one fresh processor per task (processors hold per-task state and must not be shared). */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<KIn, VIn, KOut, VOut>;
