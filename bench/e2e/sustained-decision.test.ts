import { expect } from 'chai';
import { judgeStep, nextRampAction, type StepFacts } from './sustained-decision.js';

const GOOD: StepFacts = {
  targetLogsPerS: 2000,
  writtenLogsPerS: 1998,
  written: 119_880,
  storedOpenSearch: 119_880,
  storedPostgres: 119_880,
  backlogSlopePerS: 12,
  drainSeconds: 4,
};

describe('judgeStep', () => {
  it('calls a bounded, complete step sustained', () => {
    expect(judgeStep(GOOD)).to.deep.equal({ sustained: true, reason: null });
  });

  it('names every reason a step is not sustained', () => {
    expect(judgeStep({ ...GOOD, backlogSlopePerS: 101 }).reason).to.equal('backlog grew 101 lines/s (limit 100)');
    expect(judgeStep({ ...GOOD, backlogSlopePerS: 99 }).sustained).to.equal(true);
    expect(judgeStep({ ...GOOD, drainSeconds: 31 }).reason).to.equal('backlog took 31 s to drain (limit 30 s)');
    expect(judgeStep({ ...GOOD, storedOpenSearch: GOOD.written - 3 }).reason).to.equal('3 lines missing in OpenSearch');
    expect(judgeStep({ ...GOOD, storedPostgres: GOOD.written + 2 }).reason).to.equal('2 lines too many in PostgreSQL');
    expect(judgeStep({ ...GOOD, drainSeconds: null }).reason).to.equal('backlog not drained before the deadline');
    expect(judgeStep({ ...GOOD, writtenLogsPerS: 1500 }).reason).to.equal('generator wrote only 1500 lines/s');
    const many = judgeStep({ ...GOOD, backlogSlopePerS: 900, storedPostgres: 100, drainSeconds: null });
    expect(many.sustained).to.equal(false);
    expect(many.reason!.split('; ')).to.have.length(3);
  });
});

describe('nextRampAction', () => {
  const rates = [2000, 4000, 6000];
  const ok = (targetLogsPerS: number) => ({ targetLogsPerS, sustained: true });
  const bad = (targetLogsPerS: number) => ({ targetLogsPerS, sustained: false });

  it('ramps up while steps hold', () => {
    expect(nextRampAction(rates, { ramp: [], confirmations: [] })).to.deep.equal({ kind: 'step', rate: 2000 });
    expect(nextRampAction(rates, { ramp: [ok(2000)], confirmations: [] })).to.deep.equal({ kind: 'step', rate: 4000 });
  });

  it('confirms the highest sustained rate after the first failure or the last rate', () => {
    expect(nextRampAction(rates, { ramp: [ok(2000), bad(4000)], confirmations: [] })).to.deep.equal({ kind: 'confirm', rate: 2000, attempt: 1 });
    expect(nextRampAction(rates, { ramp: [ok(2000), ok(4000), ok(6000)], confirmations: [] })).to.deep.equal({ kind: 'confirm', rate: 6000, attempt: 1 });
  });

  it('steps down once by 20% when the confirmation fails, then reports what held', () => {
    const ramp = [ok(2000), ok(4000), bad(6000)];
    expect(nextRampAction(rates, { ramp, confirmations: [bad(4000)] })).to.deep.equal({ kind: 'confirm', rate: 3200, attempt: 2 });
    expect(nextRampAction(rates, { ramp, confirmations: [bad(4000), ok(3200)] })).to.deep.equal({ kind: 'done', sustainedLogsPerS: 3200 });
    expect(nextRampAction(rates, { ramp, confirmations: [bad(4000), bad(3200)] })).to.deep.equal({ kind: 'done', sustainedLogsPerS: 0 });
    expect(nextRampAction(rates, { ramp, confirmations: [ok(4000)] })).to.deep.equal({ kind: 'done', sustainedLogsPerS: 4000 });
  });

  it('reports 0 when not even the first step held', () => {
    expect(nextRampAction(rates, { ramp: [bad(2000)], confirmations: [] })).to.deep.equal({ kind: 'done', sustainedLogsPerS: 0 });
  });

  describe('refining between the last held and the first failed rate', () => {
    it('bisects, on multiples of 100, for at most the steps allowed', () => {
      const ramp = [ok(2000), bad(4000)];
      expect(nextRampAction(rates, { ramp, confirmations: [] }, 2)).to.deep.equal({ kind: 'step', rate: 3000 });
      expect(nextRampAction(rates, { ramp: [...ramp, ok(3000)], confirmations: [] }, 2)).to.deep.equal({ kind: 'step', rate: 3500 });
      expect(nextRampAction(rates, { ramp: [...ramp, bad(3000)], confirmations: [] }, 2)).to.deep.equal({ kind: 'step', rate: 2500 });
      expect(nextRampAction(rates, { ramp: [...ramp, ok(3000), bad(3500)], confirmations: [] }, 2)).to.deep.equal({ kind: 'confirm', rate: 3000, attempt: 1 });
    });

    it('stops once the gap is within 10% of the failed rate', () => {
      expect(nextRampAction(rates, { ramp: [ok(2000), bad(4000), ok(3000), ok(3500), ok(3800)], confirmations: [] }, 9)).to.deep.equal({ kind: 'confirm', rate: 3800, attempt: 1 });
    });

    it('searches below the first rate when not even that held', () => {
      expect(nextRampAction(rates, { ramp: [bad(2000)], confirmations: [] }, 2)).to.deep.equal({ kind: 'step', rate: 1000 });
      expect(nextRampAction(rates, { ramp: [bad(2000), ok(1000)], confirmations: [] }, 2)).to.deep.equal({ kind: 'step', rate: 1500 });
      expect(nextRampAction(rates, { ramp: [bad(2000), bad(1000), bad(500)], confirmations: [] }, 2)).to.deep.equal({ kind: 'done', sustainedLogsPerS: 0 });
    });

    it('does not refine when every rate held, or once confirming', () => {
      expect(nextRampAction(rates, { ramp: [ok(2000), ok(4000), ok(6000)], confirmations: [] }, 2)).to.deep.equal({ kind: 'confirm', rate: 6000, attempt: 1 });
      expect(nextRampAction(rates, { ramp: [ok(2000), bad(4000)], confirmations: [bad(2000)] }, 2)).to.deep.equal({ kind: 'confirm', rate: 1600, attempt: 2 });
    });
  });
});
