import { expect } from 'chai';
import { createRandom } from './random.js';

describe('createRandom', () => {
  it('yields the same sequence for the same seed and a different one for another seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const seqA = Array.from({ length: 100 }, () => a.next());
    const seqB = Array.from({ length: 100 }, () => b.next());
    const seqC = Array.from({ length: 100 }, () => c.next());
    expect(seqA).to.deep.equal(seqB);
    expect(seqA).to.not.deep.equal(seqC);
  });

  it('keeps next() in [0, 1) and int() within its inclusive bounds', () => {
    const rng = createRandom(1);
    const ints = new Set<number>();
    let min = 1;
    let max = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      ints.add(rng.int(3, 7));
    }
    expect(min).to.be.at.least(0);
    expect(max).to.be.below(1);
    expect([...ints].sort()).to.deep.equal([3, 4, 5, 6, 7]);
  });

  it('draws weighted keys in proportion to their weights and never a zero-weight key', () => {
    const rng = createRandom(7);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) counts[rng.weighted({ a: 1, b: 3, c: 0 })]++;
    expect(counts.c).to.equal(0);
    expect(counts.b / 20_000).to.be.within(0.73, 0.77);
  });

  it('centres logNormal on its median', () => {
    const rng = createRandom(9);
    const values = Array.from({ length: 10_001 }, () => rng.logNormal(50, 0.8)).sort((x, y) => x - y);
    expect(values[5000]).to.be.within(45, 55);
  });

  it('produces lowercase hex of the requested length', () => {
    const rng = createRandom(3);
    expect(rng.hex(32)).to.match(/^[0-9a-f]{32}$/);
    expect(rng.hex(5)).to.match(/^[0-9a-f]{5}$/);
  });

  it('forks a sub-stream deterministically', () => {
    expect(createRandom(5).fork().next()).to.equal(createRandom(5).fork().next());
  });

  it('rejects a non-finite seed', () => {
    expect(() => createRandom(Number.NaN)).to.throw(RangeError);
  });
});
