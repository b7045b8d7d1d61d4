import { expect } from 'chai';
import { ProgressClock } from './progress-clock.js';

describe('ProgressClock', () => {
  it('settles at the target-th tick and measures from the first tick', async () => {
    const clock = new ProgressClock(3);
    expect(Number.isNaN(clock.processingSeconds())).to.equal(true);
    let settled = false;
    void clock.reached().then(() => {
      settled = true;
    });
    clock.tick();
    clock.tick();
    await Promise.resolve();
    expect(settled).to.equal(false);
    clock.tick();
    await clock.reached();
    expect(clock.count()).to.equal(3);
    expect(clock.processingSeconds()).to.be.at.least(0).and.below(1);
  });

  it('refuses a non-positive target', () => {
    expect(() => new ProgressClock(0)).to.throw(RangeError);
  });
});
