/**
 * The sink operator: encodes each record with the sink's serdes and hands it to the task's
 * RecordCollector. Repartition sinks pick the partition themselves (murmur2 of the key bytes) and
 * drop keyless records, which no downstream grouping could place.
 */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';
import type { Serde } from '../serdes/serde.js';
import { SerializationError } from '../errors.js';
import type { RecordCollector } from '../stream-task.js';
import { partitionForKey } from '../task/murmur2-partitioner.js';

/** Writes records to `topic`; `partitions` is set for repartition topics only. */
export class SinkProcessor implements Processor<unknown, unknown> {
  private context!: InternalProcessorContext<never, never>;

  constructor(
    private readonly topic: string,
    private readonly keySerde: Serde<unknown>,
    private readonly valueSerde: Serde<unknown>,
    private readonly collector: RecordCollector,
    private readonly partitions: number | undefined,
  ) {}

  init(context: InternalProcessorContext<never, never>): void {
    this.context = context;
  }

  process(record: Record<unknown, unknown>): void {
    const key = this.encode(this.keySerde, 'key', record.key);
    const value = this.encode(this.valueSerde, 'value', record.value);
    let partition: number | undefined;
    if (this.partitions !== undefined) {
      if (key === null) {
        this.context.reportSkippedRecord('null-key-repartition');
        return;
      }
      partition = partitionForKey(key, this.partitions);
    }
    this.collector.send({ topic: this.topic, ...(partition === undefined ? {} : { partition }), key, value, timestamp: record.timestamp, headers: { ...record.headers } });
  }

  private encode(serde: Serde<unknown>, part: 'key' | 'value', data: unknown): Buffer | null {
    try {
      return serde.serialize(this.topic, data);
    } catch (error) {
      if (error instanceof SerializationError) throw error;
      // Whatever the serde threw, the record cannot be written: a bad record for the task to handle.
      throw new SerializationError(`cannot encode the ${part} for ${this.topic}: ${error instanceof Error ? error.message : String(error)}`, this.topic, error);
    }
  }
}
