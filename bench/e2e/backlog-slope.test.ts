import { expect } from 'chai';
import { leastSquaresSlope, secondHalfSlope } from './backlog-slope.js';

describe('backlog slope', () => {
  it('recovers the slope of a line, through noise', () => {
    const samples = Array.from({ length: 60 }, (_, t) => ({ t, backlog: 500 + 40 * t + (t % 2 === 0 ? 30 : -30) }));
    expect(leastSquaresSlope(samples)).to.be.closeTo(40, 1);
  });

  it('is 0 for a flat backlog and for too few samples', () => {
    expect(leastSquaresSlope(Array.from({ length: 10 }, (_, t) => ({ t, backlog: 1200 })))).to.equal(0);
    expect(leastSquaresSlope([{ t: 1, backlog: 5 }])).to.equal(0);
    expect(leastSquaresSlope([{ t: 1, backlog: 5 }, { t: 1, backlog: 9 }])).to.equal(0);
  });

  it('looks only at the second half of the step', () => {
    // Filling up for 30 s, then flat: bounded.
    const samples = Array.from({ length: 61 }, (_, t) => ({ t, backlog: Math.min(t, 30) * 100 }));
    expect(secondHalfSlope(samples, 60)).to.equal(0);
    // Flat, then growing: not bounded.
    const growing = Array.from({ length: 61 }, (_, t) => ({ t, backlog: Math.max(0, t - 30) * 100 }));
    expect(secondHalfSlope(growing, 60)).to.be.closeTo(100, 0.001);
  });
});
