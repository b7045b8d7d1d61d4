import { expect } from 'chai';
import { z } from 'zod';
import { SerializationError } from '../errors.js';
import { JsonSerde } from './json-serde.js';
import { Serdes } from './serdes.js';

describe('JsonSerde', () => {
  const Event = z.object({ id: z.string(), count: z.number().int() });

  it('round-trips a value and keeps null as null', () => {
    const serde = Serdes.Json<{ a: number[] }>();
    expect(serde.deserialize('t', serde.serialize('t', { a: [1, 2] }))).to.deep.equal({ a: [1, 2] });
    expect(serde.serialize('t', null)).to.equal(null);
    expect(serde.deserialize('t', null)).to.equal(null);
  });

  it('reports malformed JSON as a SerializationError naming the topic and the reason', () => {
    const serde = Serdes.Json<unknown>();
    try {
      serde.deserialize('logs.raw', Buffer.from('{"id": '));
      expect.fail('expected a SerializationError');
    } catch (error) {
      expect(error).to.be.instanceOf(SerializationError);
      expect((error as SerializationError).topic).to.equal('logs.raw');
      expect((error as Error).message).to.match(/logs\.raw.*malformed JSON/);
    }
  });

  it('validates with a zod schema on decode, naming the offending field', () => {
    const serde = Serdes.Json(Event);
    expect(serde.deserialize('t', Buffer.from('{"id":"e1","count":2}'))).to.deep.equal({ id: 'e1', count: 2 });
    expect(() => serde.deserialize('t', Buffer.from('{"id":"e1","count":"2"}'))).to.throw(SerializationError, /does not match the schema: count/);
  });

  it('validates with a zod schema on encode', () => {
    const serde = Serdes.Json(Event);
    expect(() => serde.serialize('t', { id: 'e1', count: 1.5 })).to.throw(SerializationError, /value to encode does not match the schema: count/);
  });

  it('refuses documents over the size limit before parsing, both ways', () => {
    const serde = new JsonSerde<{ text: string }>({ maxBytes: 64 });
    expect(() => serde.deserialize('t', Buffer.alloc(65, 0x20))).to.throw(SerializationError, /65 bytes, over the 64-byte limit/);
    expect(() => serde.serialize('t', { text: 'x'.repeat(80) })).to.throw(SerializationError, /over the 64-byte limit/);
    expect(() => new JsonSerde({ maxBytes: 0 })).to.throw(RangeError);
  });

  it('refuses a value JSON cannot encode', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => Serdes.Json<unknown>().serialize('t', cyclic)).to.throw(SerializationError, /cannot be encoded as JSON/);
  });
});
