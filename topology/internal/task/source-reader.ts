/**
 * The source side of a task for one topic: prepares and decodes raw records with the source's serdes,
 * extracts the event time and hands the typed record to the source node.
 */
import type { Record } from '../api/record.js';
import { SerializationError } from '../errors.js';
import type { SourceNodeDefinition } from '../graph/node-definitions.js';
import type { RawRecord } from '../stream-task.js';
import type { RuntimeNode } from './runtime-node.js';

/** Decodes records of one source topic for one task. */
export class SourceReader {
  constructor(
    readonly definition: SourceNodeDefinition,
    readonly node: RuntimeNode,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  /** Runs the serdes' async preparation for this record's bytes. */
  async prepare(record: RawRecord): Promise<void> {
    const { keySerde, valueSerde } = this.definition;
    if (keySerde.prepare) await keySerde.prepare(record.topic, record.key);
    if (valueSerde.prepare) await valueSerde.prepare(record.topic, record.value);
  }

  /** Decodes key, value and event time; throws SerializationError on malformed bytes (whatever the serde threw). */
  decode(record: RawRecord): Record<unknown, unknown> {
    const key = this.deserialize(record, 'key', record.key);
    const value = this.deserialize(record, 'value', record.value);
    const extractor = this.definition.timestampExtractor;
    const timestamp = extractor
      ? extractor({ topic: record.topic, partition: record.partition, offset: record.offset, key, value, timestamp: record.timestamp })
      : record.timestamp;
    const headers: { [name: string]: Buffer | string } = {};
    for (const name in record.headers) {
      const header = record.headers[name];
      if (header !== undefined) headers[name] = header;
    }
    return { key, value, timestamp, headers };
  }

  private deserialize(record: RawRecord, part: 'key' | 'value', data: Buffer | null): unknown {
    const serde = part === 'key' ? this.definition.keySerde : this.definition.valueSerde;
    try {
      return serde.deserialize(record.topic, data);
    } catch (error) {
      if (error instanceof SerializationError) throw error;
      // A serde that throws something else still met bytes it cannot read: treat it as a poison record.
      throw new SerializationError(`cannot decode the ${part}: ${error instanceof Error ? error.message : String(error)}`, record.topic, error);
    }
  }
}
