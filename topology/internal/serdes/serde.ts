/**
 * The contract every key and value codec of the topology library fulfils. Deserialization must be
 * synchronous inside a task (processing is synchronous, as in Kafka Streams), so codecs that need
 * remote lookups (the Avro writer schema) do them beforehand in `prepare`.
 */
export interface Serde<T> {
  /** Encodes; null stays null (tombstones). Throws SerializationError on a value it cannot encode. */
  serialize(topic: string, value: T | null): Buffer | null;
  /** Decodes; null stays null. Throws SerializationError (a poison record) on malformed bytes. */
  deserialize(topic: string, data: Buffer | null): T | null;
  /** Optional async preparation before deserialize can run synchronously on `data` (e.g. fetch the Avro writer schema by id). */
  prepare?(topic: string, data: Buffer | null): Promise<void>;
  /** Optional async setup before first serialize (e.g. register the Avro schema). */
  init?(): Promise<void>;
}
