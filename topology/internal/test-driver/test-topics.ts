/**
 * The input and output topics of the TopologyTestDriver: typed handles that encode records into the
 * driver (exactly as a producer would) and decode what the topology produced.
 */
import type { Headers } from '../api/record.js';
import { TopologyError } from '../errors.js';
import type { Serde } from '../serdes/serde.js';
import type { OutgoingRecord } from '../stream-task.js';

/** A record read from an output topic. */
export interface TestRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp: number;
  readonly headers: Headers;
  /** Partition chosen by the topology (set for repartition and changelog records only). */
  readonly partition?: number;
}

/** What the driver offers its topics. */
export interface DriverChannel {
  now(): number;
  pipe(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): void;
  pipeAsync(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): Promise<void>;
  queue(topic: string): OutgoingRecord[];
}

/** Pipes typed records into one source topic of the driven topology. */
export class TestInputTopic<K, V> {
  /** @internal Use `TopologyTestDriver#createInputTopic`. */
  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly driver: DriverChannel,
  ) {}

  /** Encodes and processes one record synchronously; timestamp defaults to the driver's wall-clock time. Throws BadRecordError under `log-and-fail`. */
  pipeInput(key: K | null, value: V | null, timestampMs?: number, headers: Headers = {}): void {
    this.driver.pipe(this.name, this.keySerde.serialize(this.name, key), this.valueSerde.serialize(this.name, value), timestampMs ?? this.driver.now(), headers);
  }

  /** Like `pipeInput`, but first awaits the source serdes' `prepare` (for serdes that fetch schemas). */
  async pipeInputAsync(key: K | null, value: V | null, timestampMs?: number, headers: Headers = {}): Promise<void> {
    await this.driver.pipeAsync(this.name, this.keySerde.serialize(this.name, key), this.valueSerde.serialize(this.name, value), timestampMs ?? this.driver.now(), headers);
  }

  /** Pipes each `[key, value, timestamp?]` in order. */
  pipeKeyValueList(records: Iterable<readonly [K | null, V | null, number?]>): void {
    for (const [key, value, timestamp] of records) this.pipeInput(key, value, timestamp);
  }
}

/** Reads (and consumes) what the topology wrote to one topic, decoded with the given serdes. */
export class TestOutputTopic<K, V> {
  /** @internal Use `TopologyTestDriver#createOutputTopic`. */
  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly driver: DriverChannel,
  ) {}

  /** Removes and returns the oldest record; throws TopologyError when the topic is empty. */
  readRecord(): TestRecord<K, V> {
    const record = this.driver.queue(this.name).shift();
    if (!record) throw new TopologyError(`output topic ${this.name} is empty`);
    return {
      key: this.keySerde.deserialize(this.name, record.key),
      value: this.valueSerde.deserialize(this.name, record.value),
      timestamp: record.timestamp,
      headers: record.headers,
      ...(record.partition === undefined ? {} : { partition: record.partition }),
    };
  }

  /** Removes and returns the oldest record's key and value. */
  readKeyValue(): [K | null, V | null] {
    const record = this.readRecord();
    return [record.key, record.value];
  }

  /** Removes and returns the oldest record's value. */
  readValue(): V | null {
    return this.readRecord().value;
  }

  /** Removes and returns every record, oldest first. */
  readRecordsToList(): TestRecord<K, V>[] {
    const out: TestRecord<K, V>[] = [];
    while (!this.isEmpty()) out.push(this.readRecord());
    return out;
  }

  /** Removes and returns every key-value pair, oldest first. */
  readKeyValuesToList(): [K | null, V | null][] {
    return this.readRecordsToList().map((r) => [r.key, r.value]);
  }

  /** Removes every record and returns the last value per key (null keys are skipped). */
  readKeyValuesToMap(): Map<K, V | null> {
    const out = new Map<K, V | null>();
    for (const record of this.readRecordsToList()) if (record.key !== null) out.set(record.key, record.value);
    return out;
  }

  /** True when no record is waiting. */
  isEmpty(): boolean {
    return this.driver.queue(this.name).length === 0;
  }

  /** Number of records waiting. */
  getQueueSize(): number {
    return this.driver.queue(this.name).length;
  }
}
