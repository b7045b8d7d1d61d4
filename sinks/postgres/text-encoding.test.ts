import { expect } from 'chai';
import { copyField, indexedText, jsonbText, MAX_INDEXED_TEXT, withoutNul } from './text-encoding.js';

describe('postgres text encoding', () => {
  it('replaces NUL, which PostgreSQL text refuses', () => {
    expect(withoutNul('a\u0000b\u0000')).to.equal('a\uFFFDb\uFFFD');
    expect(withoutNul('plain')).to.equal('plain');
  });

  it('caps indexed text without splitting a surrogate pair', () => {
    expect(indexedText('x'.repeat(10_000))).to.have.length(MAX_INDEXED_TEXT);
    const emoji = `${'a'.repeat(MAX_INDEXED_TEXT - 1)}😀`;
    expect(indexedText(emoji)).to.equal('a'.repeat(MAX_INDEXED_TEXT - 1));
    expect(indexedText('short\u0000')).to.equal('short\uFFFD');
  });

  it('escapes the COPY text format and writes null as \\N', () => {
    expect(copyField('a\tb\nc\rd\\e\u0000')).to.equal('a\\tb\\nc\\rd\\\\e\uFFFD');
    expect(copyField(null)).to.equal('\\N');
    expect(copyField(1.5)).to.equal('1.5');
    expect(copyField('\\N')).to.equal('\\\\N');
  });

  it('cleans NUL out of jsonb keys and values, arrays included', () => {
    expect(jsonbText({ 'k\u0000': ['v\u0000', 1, null], n: { x: '\u0000' } })).to.equal('{"k\uFFFD":["v\uFFFD",1,null],"n":{"x":"\uFFFD"}}');
  });
});
