import { expect } from 'chai';
import { parseSpark } from './spark.js';

describe('parseSpark', () => {
  it('reads yy/MM/dd time, level and logger', () => {
    const p = parseSpark('17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]', {});
    expect(p).to.deep.include({ level: 'INFO', timestampMs: Date.UTC(2017, 5, 9, 20, 10, 40), message: 'Registered signal handlers for [TERM, HUP, INT]', format: 'spark' });
    expect(p?.fields).to.deep.equal({ component: 'executor.CoarseGrainedExecutorBackend' });
    expect(parseSpark('17/06/09 20:10:40 hello', {})).to.equal(undefined);
  });
});
