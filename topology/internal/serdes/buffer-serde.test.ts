import { expect } from 'chai';
import { SerializationError } from '../errors.js';
import { BufferSerde } from './buffer-serde.js';

describe('BufferSerde', () => {
  const serde = new BufferSerde();

  it('passes bytes through unchanged both ways', () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect(serde.serialize('t', bytes)).to.equal(bytes);
    expect(serde.deserialize('t', bytes)).to.equal(bytes);
    expect(serde.deserialize('t', null)).to.equal(null);
  });

  it('refuses a non-Buffer value', () => {
    expect(() => serde.serialize('t', 'text' as unknown as Buffer)).to.throw(SerializationError, /expected a Buffer/);
  });
});
