/**
 * Sawmill's Kafka Streams-style stream processing library: the public surface. Declare a topology
 * with `StreamsBuilder`, run it on Kafka with `startTopology`, test it with `TopologyTestDriver`.
 * Everything else lives in `topology/internal/` and may change without notice.
 */
export { StreamsBuilder } from './internal/dsl/streams-builder.js';
export { Topology } from './internal/graph/topology.js';
export type { TopologyDescription } from './internal/graph/topology-description.js';
export type { KStream, ProcessOptions } from './internal/dsl/kstream.js';
export type { KTable, SuppressionMode } from './internal/dsl/ktable.js';
export type { KGroupedStream } from './internal/dsl/kgrouped-stream.js';
export type { TimeWindowedKStream } from './internal/dsl/time-windowed-kstream.js';
export type { BranchedKStream } from './internal/dsl/branched-kstream.js';
export type { Consumed, TableConsumed, Produced, Grouped, Materialized, StoreSpec } from './internal/dsl/dsl-options.js';
export type { ConsumedRecord, TimestampExtractor } from './internal/graph/node-definitions.js';
export { TimeWindows, type Windowed } from './internal/api/windowed.js';
export type { Record, KeyValue, Headers } from './internal/api/record.js';
export { PunctuationType, type Processor, type ProcessorContext, type ProcessorSupplier, type Punctuator, type Cancellable, type RecordMetadata } from './internal/api/processor.js';
export type { StateStore, KeyValueStore, WindowStore, WindowStoreEntry } from './internal/api/state-store.js';
export type { Serde } from './internal/serdes/serde.js';
export { Serdes } from './internal/serdes/serdes.js';
export type { BadRecordHandling } from './internal/bad-record-handling.js';
export { startTopology, type StartTopologyOptions, type RunningTopology, type ProcessingGuarantee } from './internal/runtime/kafka-streams-runtime.js';
export { TopologyTestDriver, type TopologyTestDriverOptions } from './internal/test-driver/topology-test-driver.js';
export type { TestInputTopic, TestOutputTopic, TestRecord } from './internal/test-driver/test-topics.js';
export {
  TopologyError,
  SerializationError,
  BadRecordError,
  CopartitioningError,
  StoreNotFoundError,
  InvalidTopologyError,
} from './internal/errors.js';
