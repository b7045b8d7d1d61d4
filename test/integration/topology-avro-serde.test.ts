// The Avro serde of the topology library against Sawmill's schema registry, run in-process over the
// real PostgreSQL: registration, Confluent framing, writer -> reader schema resolution, and the
// poison-record failures (unknown schema id, truncated body).
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createLogger } from '../../lib/logger.js';
import { createPgPool, type PgPool } from '../../lib/postgres.js';
import { startRegistryServer, type RegistryServer } from '../../schemas/registry/server.js';
import { SerializationError } from '../../topology/internal/errors.js';
import { AvroSerde } from '../../topology/internal/serdes/avro-serde.js';
import { frameWireFormat } from '../../topology/internal/serdes/confluent-wire-format.js';
import { ensureTestDatabase } from '../support/test-database.js';

const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill_test';
const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const logger = createLogger('topology-avro-test', { level: 'warn' });

interface EventV1 { id: string; count: number }
interface EventV2 { id: string; count: number; host: string | null }
const v1 = { type: 'record' as const, name: 'Event', namespace: `sawmill.it${run}`, fields: [{ name: 'id', type: 'string' }, { name: 'count', type: 'int' }] };
const v2 = { ...v1, fields: [...v1.fields, { name: 'host', type: ['null', 'string'], default: null }] };

describe('topology Avro serde (integration, schema registry)', function () {
  this.timeout(30_000);
  let pool: PgPool;
  let server: RegistryServer;
  let registry: SchemaRegistry;
  const topic = `it-${run}-events`;

  before(async () => {
    await ensureTestDatabase(PG_URL);
    pool = createPgPool({ url: PG_URL, applicationName: 'sawmill-topology-avro-test', logger, max: 4 });
    server = await startRegistryServer({ port: 0, pool, logger });
    registry = new SchemaRegistry({ host: server.url, retry: { retries: 0 } });
  });

  after(async () => {
    await server?.close();
    await pool?.end();
  });

  it('registers under <topic>-value and round-trips in the Confluent wire format', async () => {
    const serde = new AvroSerde<EventV1>({ registry, topic, schema: v1 });
    await serde.init();
    const id = await registry.getLatestSchemaId(`${topic}-value`);
    const bytes = serde.serialize(topic, { id: 'e1', count: 3 });
    expect(bytes?.[0]).to.equal(0);
    expect(bytes?.readInt32BE(1)).to.equal(id);
    // A fresh serde has no cache: prepare() must fetch the writer schema by id.
    const reader = new AvroSerde<EventV1>({ registry, topic, schema: v1 });
    await reader.prepare(topic, bytes);
    expect({ ...reader.deserialize(topic, bytes) }).to.deep.equal({ id: 'e1', count: 3 });
    // The registry client decodes what we encoded: the framing is the standard one.
    expect({ ...(await registry.decode(bytes!)) }).to.deep.equal({ id: 'e1', count: 3 });
  });

  it('resolves records written with v1 into the v2 reader shape', async () => {
    const writer = new AvroSerde<EventV1>({ registry, topic, schema: v1 });
    await writer.init();
    const old = writer.serialize(topic, { id: 'e2', count: 1 });
    const reader = new AvroSerde<EventV2>({ registry, topic, schema: v2 });
    await reader.init(); // v2 is BACKWARD compatible: registered as the next version
    await reader.prepare(topic, old);
    expect({ ...reader.deserialize(topic, old) }).to.deep.equal({ id: 'e2', count: 1, host: null });
    const fresh = reader.serialize(topic, { id: 'e3', count: 2, host: 'web-1' });
    expect(fresh?.readInt32BE(1)).to.not.equal(old?.readInt32BE(1));
  });

  it('turns an unknown schema id and a truncated body into SerializationErrors', async () => {
    const serde = new AvroSerde<EventV1>({ registry, topic, schema: v1 });
    await serde.init();
    const unknown = frameWireFormat(2_000_000_000, Buffer.from([2, 0x61, 2]));
    await serde.prepare(topic, unknown); // resolves: a 404 is a poison record, not an outage
    expect(() => serde.deserialize(topic, unknown)).to.throw(SerializationError, /unknown schema id 2000000000: not found/);

    const good = serde.serialize(topic, { id: 'long enough id', count: 7 })!;
    const truncated = good.subarray(0, good.length - 4);
    await serde.prepare(topic, truncated);
    expect(() => serde.deserialize(topic, truncated)).to.throw(SerializationError, /cannot be decoded/);
    const trailing = Buffer.concat([good, Buffer.from([1, 2, 3])]);
    expect(() => serde.deserialize(topic, trailing)).to.throw(SerializationError, /cannot be decoded/);
  });

  it('refuses to encode a value that does not match the schema, naming the field', async () => {
    const serde = new AvroSerde<EventV1>({ registry, topic, schema: v1 });
    await serde.init();
    expect(() => serde.serialize(topic, { id: 'e', count: 'x' as unknown as number })).to.throw(SerializationError, /at count/);
  });
});
