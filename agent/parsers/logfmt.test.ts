import { expect } from 'chai';
import { parseLogfmt, parseLogfmtStrict, scanLogfmt } from './logfmt.js';

const ctx = { now: Date.UTC(2026, 11, 1) };

describe('logfmt', () => {
  it('reads quoted values with escapes, numbers and bare keys', () => {
    const p = parseLogfmt('ts=2026-12-01T10:22:54Z level=warn msg="disk \\"sda\\" at 91%\\n" took=12ms bytes=1024 id=007 cached', ctx);
    expect(p).to.deep.include({ level: 'WARN', levelText: 'warn', message: 'disk "sda" at 91%\n', timestampMs: Date.parse('2026-12-01T10:22:54Z'), latencyMs: 12, format: 'logfmt' });
    expect(p?.fields).to.deep.equal({ took: '12ms', bytes: 1024, id: '007', cached: true });
  });

  it('reads trace ids and epoch times', () => {
    const p = parseLogfmt('t=1764584574 lvl=E trace_id=abc span_id=def msg=hi', ctx);
    expect(p).to.deep.include({ level: 'ERROR', traceId: 'abc', spanId: 'def', timestampMs: 1764584574000 });
  });

  it('strict mode rejects prose with an equals sign', () => {
    expect(parseLogfmtStrict('the value a=b was wrong', ctx)).to.equal(undefined);
    expect(parseLogfmtStrict('a=1', ctx)).to.equal(undefined);
    expect(parseLogfmtStrict('a=1 b=2', ctx)?.fields).to.deep.equal({ a: 1, b: 2 });
    expect(parseLogfmt('a=1', ctx)?.fields).to.deep.equal({ a: 1 });
  });

  it('rejects unterminated quotes and stray quotes', () => {
    expect(scanLogfmt('a="open b=2', false)).to.equal(undefined);
    expect(scanLogfmt('a=1 "x"', false)).to.equal(undefined);
    expect(scanLogfmt('a="x"y b=1', false)).to.equal(undefined);
  });

  it('keeps a `__proto__` key as plain data without touching any prototype', () => {
    const p = parseLogfmt('__proto__=x constructor=y msg=hi', { now: 0 });
    expect(Object.getOwnPropertyDescriptor(p?.fields, '__proto__')?.value).to.equal('x');
    expect(p?.fields['constructor']).to.equal('y');
    expect(Object.keys(p?.fields ?? {})).to.deep.equal(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(p?.fields)).to.equal(Object.prototype);
  });
});
