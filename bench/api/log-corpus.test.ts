import { expect } from 'chai';
import { LOG_LEVELS } from '../../schemas/log-schemas.js';
import { DEMO_SERVICE_NAMES } from '../generator/services.js';
import { CORPUS_END_MS, corpusPeriod, generateCorpus } from './log-corpus.js';

describe('bench/api log-corpus', () => {
  const period = corpusPeriod(3);
  const events = [...generateCorpus(3000, period)];

  it('covers whole UTC days ending at the fixed end', () => {
    expect(period).to.deep.equal({ startMs: Date.UTC(2026, 9, 29), endMs: CORPUS_END_MS });
    expect(CORPUS_END_MS).to.equal(Date.UTC(2026, 10, 1));
  });

  it('gives the same events on every run (a loaded index can be reused)', () => {
    const again = [...generateCorpus(3000, period)];
    expect(again.map((e) => [e.eventId, e.timestampMs, e.message])).to.deep.equal(events.map((e) => [e.eventId, e.timestampMs, e.message]));
  });

  it('spreads unique events over every day, service and several levels, inside the period', () => {
    expect(events).to.have.length(3000);
    expect(new Set(events.map((e) => e.eventId)).size).to.equal(3000);
    for (const e of events) {
      expect(e.timestampMs).to.be.at.least(period.startMs).and.below(period.endMs);
      expect(LOG_LEVELS).to.include(e.level);
      expect(e.labels).to.deep.equal({ service: e.service, env: 'bench' });
    }
    expect(new Set(events.map((e) => e.service))).to.deep.equal(new Set(DEMO_SERVICE_NAMES));
    expect(new Set(events.map((e) => Math.floor(e.timestampMs / 86_400_000))).size).to.equal(3);
    const levels = new Set(events.map((e) => e.level));
    for (const level of ['INFO', 'WARN', 'ERROR']) expect(levels).to.include(level);
  });

  it('numbers each stream by byte offset, as the agent tailing the file would', () => {
    const byStream = new Map<string, number>();
    for (const e of events) {
      const expected = byStream.get(e.streamId!) ?? 0;
      expect(e.sourceOffset, e.eventId).to.equal(expected);
      byStream.set(e.streamId!, expected + Buffer.byteLength(e.line, 'utf8') + 1);
    }
    expect(byStream.size).to.equal(17);
  });
});
