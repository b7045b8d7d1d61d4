import { expect } from 'chai';
import { createAutoDetector } from './auto-detect.js';
import { createCriParser, splitCriLine } from './cri.js';
import { createParser } from './index.js';

const now = Date.UTC(2026, 11, 1);

describe('CRI format', () => {
  it('splits the prefix: time, stream, tag and the message as written', () => {
    expect(splitCriLine('2016-10-06T00:17:09.669794202Z stdout F hello  world ')).to.deep.equal({ timestampText: '2016-10-06T00:17:09.669794202Z', stream: 'stdout', partial: false, message: 'hello  world ' });
    expect(splitCriLine('2023-01-02T03:04:05+02:00 stderr P chunk')).to.deep.equal({ timestampText: '2023-01-02T03:04:05+02:00', stream: 'stderr', partial: true, message: 'chunk' });
    // Extra tags after the first (`F:x`) are allowed by the kubelet; an empty message too.
    expect(splitCriLine('2016-10-06T00:17:09Z stdout F:x ')?.message).to.equal('');
    expect(splitCriLine('2016-10-06T00:17:09Z stdout F')?.message).to.equal('');
  });

  it('rejects lines that only look like CRI', () => {
    for (const line of [
      '2016-10-06 00:17:09.669794202Z stdout F x', // space instead of T
      '2016-10-06T00:17:09.669794202Z stdin F x',
      '2016-10-06T00:17:09.669794202Z stdout X x',
      '2016-10-06T00:17:09.669794202Z stdout Fx',
      '2016-10-06T00:17:09.6697942021Z stdout F x', // ten fraction digits
      '2016-10-06T00:17:09 stdout F x', // no zone
      '2016-10-06T00:17:09.669Z  stdout F x',
      'stdout F x',
      '',
    ]) expect(splitCriLine(line), line).to.equal(undefined);
  });

  it('takes the time from the prefix, keeps the stream and parses a JSON message', () => {
    const p = createParser({ format: 'cri' }).parse('2016-10-06T00:17:09.669794202Z stderr F {"level":"error","msg":"boom","time":"2016-10-06T00:17:08Z","user":"u1","stream":"inner"}', { now });
    expect(p).to.deep.include({ format: 'cri', timestampMs: Date.parse('2016-10-06T00:17:09.669Z'), timestampText: '2016-10-06T00:17:09.669794202Z', level: 'ERROR', levelText: 'error', message: 'boom' });
    expect(p.fields).to.deep.equal({ user: 'u1', stream: 'stderr', inner_format: 'json', inner_timestamp: '2016-10-06T00:17:08Z' });
  });

  it('parses logfmt and plain messages, marks a partial line and applies an offset', () => {
    const parser = createParser({ format: 'cri' });
    const l = parser.parse('2023-01-02T03:04:05.5+02:00 stdout F level=warn msg="disk full" took=12ms', { now });
    expect(l).to.deep.include({ format: 'cri', level: 'WARN', message: 'disk full', timestampMs: Date.UTC(2023, 0, 2, 1, 4, 5, 500), latencyMs: 12 });
    expect(l.fields).to.deep.equal({ took: '12ms', stream: 'stdout', inner_format: 'logfmt' });
    const p = parser.parse('2023-01-02T03:04:05Z stdout P first part of a long ERROR', { now });
    expect(p).to.deep.include({ format: 'cri', message: 'first part of a long ERROR', level: 'ERROR' });
    expect(p.fields).to.deep.equal({ stream: 'stdout', partial: true, inner_format: 'plain' });
  });

  it('falls back to plain for a non-CRI line under format cri, and never recurses into a CRI message', () => {
    expect(createParser({ format: 'cri' }).parse('just text', { now }).format).to.equal('plain');
    const nested = createAutoDetector().parse('2023-01-02T03:04:05Z stdout F 2023-01-02T03:04:06Z stderr F inner', { now });
    expect(nested).to.deep.include({ format: 'cri', message: '2023-01-02T03:04:06Z stderr F inner' });
    expect(nested.fields).to.deep.include({ stream: 'stdout', inner_format: 'plain' });
  });

  it('keeps a message key named __proto__ as data', () => {
    const p = createCriParser((m) => ({ message: m, fields: {}, format: 'plain' }));
    const q = createParser({ format: 'cri' }).parse('2023-01-02T03:04:05Z stdout F {"msg":"m","__proto__":"x"}', { now });
    expect(Object.getOwnPropertyDescriptor(q.fields, '__proto__')?.value).to.equal('x');
    expect(p('not cri', {})).to.equal(undefined);
  });

  it('auto-detection picks CRI before the sticky format and before the length cap', () => {
    const d = createAutoDetector({ maxParseLength: 100 });
    expect(d.parse('2026-12-01T10:22:54.123Z web-1 app[1]: rsyslog style', { now }).format).to.equal('syslog-3164');
    expect(d.parse('2026-12-01T10:22:54.123Z stdout F {"msg":"in json"}', { now })).to.deep.include({ format: 'cri', message: 'in json' });
    const long = d.parse(`2026-12-01T10:22:54.123Z stdout F ${'x'.repeat(500)} ERROR`, { now });
    expect(long).to.deep.include({ format: 'cri', timestampMs: Date.parse('2026-12-01T10:22:54.123Z') });
    expect(long.fields['inner_format']).to.equal('plain');
    expect(d.parse('2026-12-01T10:22:55.123Z web-1 app[1]: back', { now }).format).to.equal('syslog-3164');
  });

  it('handles hostile CRI lines in bounded time', function () {
    this.timeout(20_000);
    const d = createAutoDetector();
    const huge = `2026-12-01T10:22:54.123Z stdout F {"msg":"${'y'.repeat(5 * 1024 * 1024)}"}`;
    const p = d.parse(huge, { now });
    expect(p.format).to.equal('cri');
    expect(p.fields['inner_format']).to.equal('plain');
    expect(d.parse(`2026-12-01T10:22:54.${'1'.repeat(100_000)}Z stdout F x`, { now }).format).to.equal('plain');
    expect(d.parse('2026-12-01T10:22:54Z stdout F \u0000\uFFFD', { now })).to.deep.include({ format: 'cri', message: '\u0000\uFFFD' });
  });
});
