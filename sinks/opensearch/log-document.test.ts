import { expect } from 'chai';
import { InvalidInputError } from '../../lib/errors.js';
import { toLogDocument } from './log-document.js';
import { sampleEvent } from './sample-event.js';

const LIMIT = { maxIndexedFieldBytes: 100 };

describe('sinks/opensearch log-document', () => {
  it('keeps every event field under its Avro name and adds @timestamp', () => {
    const event = sampleEvent(7);
    const doc = toLogDocument(event, LIMIT);
    expect(doc['@timestamp']).to.equal(new Date(event.timestampMs).toISOString());
    const { fields, labels, ...rest } = event;
    expect(doc).to.deep.include(rest);
    expect({ ...doc.fields }).to.deep.equal(fields);
    expect({ ...doc.labels }).to.deep.equal(labels);
    expect(doc).not.to.have.property('fieldsOversized');
  });

  it('moves entries over the size limit to fieldsOversized, unchanged, and keeps the rest indexed', () => {
    const big = 'x'.repeat(200);
    const doc = toLogDocument(sampleEvent(1, { fields: { small: 'v', big, [big]: 'k' }, labels: { huge: big } }), LIMIT);
    expect({ ...doc.fields }).to.deep.equal({ small: 'v' });
    expect({ ...doc.fieldsOversized }).to.deep.equal({ big, [big]: 'k' });
    expect({ ...doc.labels }).to.deep.equal({});
    expect({ ...doc.labelsOversized }).to.deep.equal({ huge: big });
  });

  it('counts bytes, not characters, against the limit', () => {
    // 40 three-byte characters = 120 bytes > 100 although only 40 characters.
    const doc = toLogDocument(sampleEvent(1, { fields: { k: '€'.repeat(40) } }), LIMIT);
    expect(Object.keys(doc.fields)).to.deep.equal([]);
    expect(Object.keys(doc.fieldsOversized ?? {})).to.deep.equal(['k']);
  });

  it('keeps hostile keys (_id, dots, constructor) as plain data and escapes __proto__', () => {
    // JSON.parse makes `__proto__` an own key (an object literal would set the prototype instead).
    const fields = JSON.parse('{"__proto__":"p","_id":"i","a.b.c":"d","":"e","constructor":"c"}') as Record<string, string>;
    const doc = toLogDocument(sampleEvent(1, { fields }), LIMIT);
    expect(JSON.stringify(doc.fields)).to.equal('{"__proto__escaped":"p","_id":"i","a.b.c":"d","":"e","constructor":"c"}');
    expect(Object.getPrototypeOf(doc.fields)).to.equal(null);
  });

  it('refuses events that cannot be stored, with a reason', () => {
    const cases: Array<[Parameters<typeof sampleEvent>[1], RegExp]> = [
      [{ eventId: '' }, /missing eventId/],
      [{ eventId: 'é'.repeat(257) }, /eventId too long/],
      [{ timestampMs: -1 }, /timestampMs out of range: -1/],
      [{ timestampMs: 253_402_300_800_000 }, /timestampMs out of range/],
      [{ timestampMs: Number.NaN }, /timestampMs out of range: NaN/],
    ];
    for (const [override, reason] of cases) {
      try {
        toLogDocument(sampleEvent(1, override), LIMIT);
        expect.fail(`accepted ${JSON.stringify(override)}`);
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidInputError);
        expect((error as InvalidInputError).reason).to.match(reason);
      }
    }
  });
});
