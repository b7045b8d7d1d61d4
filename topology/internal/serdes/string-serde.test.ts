import { expect } from 'chai';
import { SerializationError } from '../errors.js';
import { StringSerde } from './string-serde.js';

describe('StringSerde', () => {
  const serde = new StringSerde();

  it('round-trips UTF-8 text and keeps null as null', () => {
    const bytes = serde.serialize('t', 'héllo ✓');
    expect(serde.deserialize('t', bytes)).to.equal('héllo ✓');
    expect(serde.serialize('t', null)).to.equal(null);
    expect(serde.deserialize('t', null)).to.equal(null);
  });

  it('refuses invalid UTF-8 with a SerializationError naming the topic', () => {
    expect(() => serde.deserialize('logs.raw', Buffer.from([0x61, 0xff, 0xfe])))
      .to.throw(SerializationError, /logs\.raw.*not valid UTF-8/)
      .with.property('topic', 'logs.raw');
  });
});
