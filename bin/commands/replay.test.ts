import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { parseReplayFrom, toStartPosition } from './replay.js';

describe('sawmill replay --from', () => {
  it('reads earliest, epoch ms and ISO times with a zone', () => {
    expect(parseReplayFrom('earliest')).to.deep.equal({ kind: 'earliest' });
    expect(parseReplayFrom(' 1767312000000 ')).to.deep.equal({ kind: 'time', timestampMs: 1_767_312_000_000 });
    expect(parseReplayFrom('2026-01-02T00:00:00Z')).to.deep.equal({ kind: 'time', timestampMs: Date.UTC(2026, 0, 2) });
    expect(parseReplayFrom('2026-01-02T02:00:00.5+02:00')).to.deep.equal({ kind: 'time', timestampMs: Date.UTC(2026, 0, 2, 0, 0, 0, 500) });
    expect(parseReplayFrom('2026-01-02')).to.deep.equal({ kind: 'time', timestampMs: Date.UTC(2026, 0, 2) });
  });

  it('reads partition:offset lists, with or without a topic', () => {
    expect(parseReplayFrom('0:15,3:0, logs.enriched:11:9007199254740993')).to.deep.equal({
      kind: 'offsets',
      offsets: [
        { partition: 0, offset: '15' },
        { partition: 3, offset: '0' },
        { topic: 'logs.enriched', partition: 11, offset: '9007199254740993' },
      ],
    });
  });

  it('refuses malformed, ambiguous and hostile values with the reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /is empty/],
      ['latest', /entry "latest" is not \[topic:\]partition:offset/],
      ['2026-01-02T10:00:00', /has no zone/],
      ['2026-02-30T00:00:00Z', /not a valid date/],
      ['1:5,1:6', /names partition 1 twice/],
      ['0:-1', /is not \[topic:\]partition:offset/],
      ['0:5,', /entry "" is not/],
      ['99999999999999999999999', /out of range/],
      ['a/b:0:1', /is not \[topic:\]partition:offset/],
      ['0:1,'.repeat(20_000), /characters long/],
    ];
    for (const [text, why] of cases) {
      expect(() => parseReplayFrom(text), text.slice(0, 30)).to.throw(ConfigError, why);
    }
  });

  it('binds offsets to the sink topic and refuses another topic or a sink with several streams', () => {
    expect(toStartPosition(parseReplayFrom('0:15,t:1:2'), 't')).to.deep.equal({ offsets: [{ topic: 't', partition: 0, offset: '15' }, { topic: 't', partition: 1, offset: '2' }] });
    expect(() => toStartPosition(parseReplayFrom('other:1:2'), 't')).to.throw(ConfigError, /names topic other, but the sink reads t/);
    expect(() => toStartPosition(parseReplayFrom('1:2'), undefined)).to.throw(ConfigError, /several streams/);
    expect(toStartPosition(parseReplayFrom('earliest'), undefined)).to.equal('earliest');
    expect(toStartPosition(parseReplayFrom('5'), undefined)).to.deep.equal({ timestampMs: 5 });
  });
});
