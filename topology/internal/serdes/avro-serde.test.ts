import { expect } from 'chai';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { SerializationError } from '../errors.js';
import { AvroSerde } from './avro-serde.js';
import { frameWireFormat, parseWireFormat } from './confluent-wire-format.js';

// The pure parts of the Avro serde: framing and the failures that need no registry. The round trip
// through the real registry is in test/integration/topology-avro-serde.test.ts.
describe('Confluent wire format', () => {
  it('frames and parses magic byte 0 + 4-byte big-endian id + body', () => {
    const framed = frameWireFormat(258, Buffer.from([7, 8]));
    expect([...framed]).to.deep.equal([0, 0, 0, 1, 2, 7, 8]);
    const { schemaId, body } = parseWireFormat('t', framed);
    expect(schemaId).to.equal(258);
    expect([...body]).to.deep.equal([7, 8]);
  });

  it('refuses a buffer shorter than the header', () => {
    expect(() => parseWireFormat('logs.raw', Buffer.from([0, 0, 1]))).to.throw(SerializationError, /logs\.raw.*3 bytes, shorter than the 5-byte Confluent header/);
  });

  it('refuses an unknown magic byte', () => {
    expect(() => parseWireFormat('t', Buffer.from('{"json":true}'))).to.throw(SerializationError, /unknown magic byte 123/);
  });

  it('refuses a non-positive schema id', () => {
    expect(() => parseWireFormat('t', Buffer.from([0, 0, 0, 0, 0, 1]))).to.throw(SerializationError, /invalid schema id 0/);
  });
});

describe('AvroSerde without a registry round trip', () => {
  const schema = { type: 'record' as const, name: 'Event', fields: [{ name: 'id', type: 'string' }] };
  // Never contacted by these tests: every path below fails before any request.
  const registry = new SchemaRegistry({ host: 'http://127.0.0.1:1' });

  it('needs a subject or a topic', () => {
    expect(() => new AvroSerde({ registry, schema })).to.throw(TypeError, /subject/);
  });

  it('refuses an invalid schema at construction', () => {
    expect(() => new AvroSerde({ registry, topic: 't', schema: { type: 'record', name: 'E', fields: [{ name: 'x', type: 'nope' }] } })).to.throw();
  });

  it('refuses to serialize before init()', () => {
    expect(() => new AvroSerde({ registry, topic: 't', schema }).serialize('t', { id: 'a' })).to.throw(SerializationError, /before init\(\)/);
  });

  it('reports malformed framing and an unprepared schema id on deserialize', async () => {
    const serde = new AvroSerde<{ id: string }>({ registry, topic: 't', schema });
    await serde.prepare('t', Buffer.from([1, 2])); // malformed: nothing to fetch, no request
    expect(() => serde.deserialize('t', Buffer.from([1, 0, 0, 0, 1, 0]))).to.throw(SerializationError, /unknown magic byte 1/);
    expect(() => serde.deserialize('t', Buffer.from([0, 0, 0, 0]))).to.throw(SerializationError, /shorter than the 5-byte/);
    expect(() => serde.deserialize('t', frameWireFormat(5, Buffer.from([2, 0x61])))).to.throw(SerializationError, /schema id 5 was not prepared/);
  });
});
