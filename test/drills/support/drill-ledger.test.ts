import { expect } from 'chai';
import { assertLedgerClean, compareStore, ledgerSummary } from './drill-ledger.js';
import { drillLine, seqOfLine } from './drill-load.js';

describe('drills: ledger comparison', () => {
  const expected = new Map([
    ['a', 0],
    ['b', 1],
    ['c', 2],
  ]);

  it('counts nothing when every id is stored once', () => {
    const ledger = compareStore('postgres', expected, [
      { id: 'a', seq: 0 },
      { id: 'b', seq: 1 },
      { id: 'c', seq: 2 },
    ]);
    expect(ledger).to.include({ expected: 3, missing: 0, duplicated: 0 });
  });

  it('finds missing ids, ids stored twice, a seq under a new id and unknown records', () => {
    const ledger = compareStore('opensearch', expected, [
      { id: 'a', seq: 0 },
      { id: 'a', seq: 0 },
      { id: 'b', seq: 1 },
      { id: 'b2', seq: 1 },
      { id: 'z', seq: 99 },
    ]);
    expect(ledger.missing).to.equal(1);
    expect(ledger.missingExamples).to.deep.equal(['id c (seq 2)']);
    expect(ledger.duplicated).to.equal(3);
    expect(ledger.duplicatedExamples.join('\n')).to.match(/id a .* 2 times/).and.match(/seq 1 stored under 2 ids/).and.match(/id z \(seq 99\): unexpected/);
  });

  it('assertLedgerClean throws with the numbers unless both stores are clean', () => {
    const clean = compareStore('opensearch', expected, [...expected].map(([id, seq]) => ({ id, seq })));
    const dirty = compareStore('postgres', expected, [{ id: 'a', seq: 0 }]);
    expect(() => assertLedgerClean({ drill: 'x', opensearch: clean, postgres: { ...clean, store: 'postgres' } }, 3)).not.to.throw();
    expect(() => assertLedgerClean({ drill: 'x', opensearch: clean, postgres: dirty }, 3)).to.throw(/postgres missing 2 duplicated 0/);
    // A line written but never acknowledged by the agent is not in the ledger: the count catches it.
    expect(() => assertLedgerClean({ drill: 'x', opensearch: clean, postgres: { ...clean, store: 'postgres' } }, 4)).to.throw(/acknowledged 3 of the 4 lines/);
    expect(ledgerSummary({ drill: 'x', opensearch: clean, postgres: dirty })).to.equal('drill x: expected 3; opensearch missing 0 duplicated 0; postgres missing 2 duplicated 0');
    const empty = compareStore('opensearch', new Map(), []);
    expect(() => assertLedgerClean({ drill: 'x', opensearch: empty, postgres: { ...empty, store: 'postgres' } }, 5)).to.throw(/nothing at all/);
  });

  it('drill lines carry their seq', () => {
    const line = drillLine('spike', 1234, Date.UTC(2026, 0, 2));
    expect(line.endsWith('\n')).to.equal(true);
    expect(line).to.contain('ts=2026-01-02T00:00:00.000Z').and.contain('trace_id=spike-1234');
    expect(seqOfLine(line)).to.equal(1234);
    expect(seqOfLine('no number here')).to.equal(undefined);
  });
});
