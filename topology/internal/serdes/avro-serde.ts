import avro from 'avsc';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { ServiceUnavailableError } from '../../../lib/errors.js';
import type { Serde } from './serde.js';
import { frameWireFormat, parseWireFormat } from './confluent-wire-format.js';
import { serializationFailure } from './serialization-failure.js';

/** An Avro record schema as JSON (the `.avsc` content). */
export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly namespace?: string;
  readonly fields: readonly object[];
  readonly [extra: string]: unknown;
}

/** Options of AvroSerde. */
export interface AvroSerdeOptions {
  /** The registry client; the serde reads and registers schemas through it. */
  readonly registry: SchemaRegistry;
  /** This application's schema: the writer schema registered by `init()`, and the reader schema every writer schema is resolved to. */
  readonly schema: AvroRecordSchema;
  /** Subject to register under; default `<topic>-value` (Confluent's TopicNameStrategy), which needs `topic`. */
  readonly subject?: string;
  /** Topic the serde writes to, used for the default subject. */
  readonly topic?: string;
}

type WriterEntry = { readonly resolver: avro.Resolver } | { readonly unknown: string };

/**
 * Avro in the Confluent wire format through the schema registry. `init()` registers the schema and
 * caches its id; `prepare()` fetches (once per id) the writer schema of a record and builds the
 * writer → reader resolver, so `deserialize` decodes synchronously and old records written with an
 * earlier compatible schema come out in this application's shape.
 */
export class AvroSerde<T> implements Serde<T> {
  private readonly registry: SchemaRegistry;
  private readonly schema: AvroRecordSchema;
  private readonly subject: string;
  private readonly readerType: avro.Type;
  private readonly writers = new Map<number, WriterEntry>();
  private readonly inflight = new Map<number, Promise<void>>();
  private schemaId: number | undefined;

  constructor(options: AvroSerdeOptions) {
    if (!options.registry) throw new TypeError('AvroSerde: registry is required');
    const subject = options.subject ?? (options.topic === undefined ? undefined : `${options.topic}-value`);
    if (subject === undefined || subject.trim() === '') throw new TypeError('AvroSerde: give a subject, or the topic for the default <topic>-value subject');
    this.registry = options.registry;
    this.schema = options.schema;
    this.subject = subject;
    // Fails here, at build time, on an invalid schema rather than on the first record.
    this.readerType = avro.Type.forSchema(options.schema as avro.Schema);
  }

  /** Registers the schema under the subject (idempotent in the registry) and caches its id; rejects when the registry refuses or is down. */
  async init(): Promise<void> {
    if (this.schemaId !== undefined) return;
    let id: number;
    try {
      ({ id } = await this.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(this.schema) }, { subject: this.subject }));
    } catch (error) {
      if (statusOf(error) !== undefined && statusOf(error)! < 500) throw serializationFailure(this.subject, `the registry refused the schema: ${(error as Error).message}`, error);
      throw new ServiceUnavailableError(`schema registry unavailable while registering subject ${this.subject}`, 'schema-registry', error);
    }
    this.schemaId = id;
    // Our own writer schema resolves to itself: no lookup needed for what we wrote.
    this.writers.set(id, { resolver: this.readerType.createResolver(this.readerType) });
  }

  /** Encodes `value` framed with the registered schema id; null stays null. Throws SerializationError when init() was not awaited or the value does not match the schema. */
  serialize(topic: string, value: T | null): Buffer | null {
    if (value === null) return null;
    if (this.schemaId === undefined) throw serializationFailure(topic, `AvroSerde for subject ${this.subject} used before init() registered its schema`);
    const invalid: string[] = [];
    if (!this.readerType.isValid(value, { errorHook: (path) => invalid.push(path.join('.') || '(root)') })) {
      throw serializationFailure(topic, `value does not match Avro schema ${this.schema.name} at ${invalid.slice(0, 3).join(', ')}`);
    }
    return frameWireFormat(this.schemaId, this.readerType.toBuffer(value));
  }

  /**
   * Fetches the writer schema of `data` when not cached. Malformed framing is left for deserialize
   * to report; an id the registry does not know is remembered as unknown (a poison record); a
   * registry outage rejects with a retriable ServiceUnavailableError.
   */
  async prepare(topic: string, data: Buffer | null): Promise<void> {
    if (data === null) return;
    let schemaId: number;
    try {
      ({ schemaId } = parseWireFormat(topic, data));
    } catch {
      return;
    }
    if (this.writers.has(schemaId)) return;
    let pending = this.inflight.get(schemaId);
    if (pending === undefined) {
      pending = this.fetchWriter(schemaId).finally(() => this.inflight.delete(schemaId));
      this.inflight.set(schemaId, pending);
    }
    await pending;
  }

  /** Decodes Confluent-framed Avro; throws SerializationError on bad framing, an unknown or unprepared schema id, or a truncated or over-long body. */
  deserialize(topic: string, data: Buffer | null): T | null {
    if (data === null) return null;
    const { schemaId, body } = parseWireFormat(topic, data);
    const writer = this.writers.get(schemaId);
    if (writer === undefined) throw serializationFailure(topic, `schema id ${schemaId} was not prepared (call prepare() before deserialize())`);
    if ('unknown' in writer) throw serializationFailure(topic, `unknown schema id ${schemaId}: ${writer.unknown}`);
    try {
      // fromBuffer throws on truncated data and on trailing bytes, both signs of a corrupt record.
      return this.readerType.fromBuffer(body, writer.resolver) as T;
    } catch (error) {
      throw serializationFailure(topic, `Avro body of schema id ${schemaId} cannot be decoded: ${(error as Error).message}`, error);
    }
  }

  private async fetchWriter(schemaId: number): Promise<void> {
    let writerSchema: unknown;
    try {
      writerSchema = await this.registry.getSchema(schemaId);
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) {
        this.writers.set(schemaId, { unknown: 'not found in the schema registry' });
        return;
      }
      throw new ServiceUnavailableError(`schema registry unavailable while fetching schema id ${schemaId}`, 'schema-registry', error);
    }
    try {
      // Rebuilt from its JSON with our avsc, so the resolver never mixes two avsc copies.
      const json = typeof (writerSchema as { schema?: unknown }).schema === 'function'
        ? (writerSchema as { schema: () => unknown }).schema()
        : writerSchema;
      const writerType = avro.Type.forSchema(json as avro.Schema);
      this.writers.set(schemaId, { resolver: this.readerType.createResolver(writerType) });
    } catch (error) {
      this.writers.set(schemaId, { unknown: `writer schema cannot be resolved to reader schema ${this.schema.name}: ${(error as Error).message}` });
    }
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
