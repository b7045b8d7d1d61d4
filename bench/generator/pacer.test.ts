import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { createPacer } from './pacer.js';

/** A simulated clock whose sleep advances time instead of waiting, plus an optional overshoot per sleep. */
function simulatedTime(overshootMs = 0) {
  let now = 1_000_000;
  let sleeps = 0;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps++;
      now += ms + overshootMs;
    },
    advance: (ms: number) => {
      now += ms;
    },
    get now() {
      return now;
    },
    get sleeps() {
      return sleeps;
    },
  };
}

async function emitFor(rate: number, simulatedMs: number, overshootMs = 0, batch = 10_000): Promise<number> {
  const time = simulatedTime(overshootMs);
  const pacer = createPacer({ rate, clock: time.clock, sleep: time.sleep });
  const end = time.now + simulatedMs;
  let emitted = 0;
  while (time.now < end) emitted += await pacer.take(batch);
  return emitted;
}

describe('createPacer', () => {
  for (const rate of [1, 7, 100, 1000, 25_000]) {
    it(`emits ${rate} lines/s within 10% over 20 s of simulated time`, async () => {
      const emitted = await emitFor(rate, 20_000);
      expect(emitted / 20).to.be.within(rate * 0.9, rate * 1.1);
    });
  }

  it('does not drift when every sleep overshoots', async () => {
    // 17 ms late on every wake-up: a per-tick "emit rate*tick" scheme would lose a quarter of the rate.
    const emitted = await emitFor(1000, 30_000, 17);
    expect(emitted / 30).to.be.within(990, 1010);
  });

  it('hands out batches per tick rather than one line per wake-up at high rates', async () => {
    const time = simulatedTime();
    const pacer = createPacer({ rate: 10_000, clock: time.clock, sleep: time.sleep, tickMs: 50 });
    let emitted = 0;
    while (time.now < 1_000_000 + 10_000) emitted += await pacer.take(100_000);
    expect(emitted).to.be.within(99_000, 101_000);
    expect(time.sleeps).to.be.at.most(10_000 / 50 + 1);
  });

  it('respects the batch limit and carries unused tokens over', async () => {
    const time = simulatedTime();
    const pacer = createPacer({ rate: 1000, clock: time.clock, sleep: time.sleep });
    expect(await pacer.take(10)).to.equal(1); // the initial token
    time.advance(500);
    expect(await pacer.take(100)).to.equal(100);
    expect(await pacer.take(1000)).to.equal(400);
  });

  it('caps the catch-up burst after a stall at the bucket capacity', async () => {
    const time = simulatedTime();
    const pacer = createPacer({ rate: 100, clock: time.clock, sleep: time.sleep, burstMs: 1000 });
    await pacer.take(1);
    time.advance(60_000);
    expect(await pacer.take(1_000_000)).to.equal(100);
  });

  it("returns the full batch at once for 'max'", async () => {
    const pacer = createPacer({ rate: 'max', sleep: () => Promise.reject(new Error('must not sleep')) });
    expect(await pacer.take(500)).to.equal(500);
  });

  it('returns 0 when the signal is aborted, even while waiting', async () => {
    const controller = new AbortController();
    const time = simulatedTime();
    const pacer = createPacer({
      rate: 1,
      clock: time.clock,
      sleep: async (ms) => {
        controller.abort();
        time.advance(ms);
      },
    });
    expect(await pacer.take(1, controller.signal)).to.equal(1);
    expect(await pacer.take(1, controller.signal)).to.equal(0);
  });

  it('wakes up early from a real sleep when aborted', async () => {
    const controller = new AbortController();
    const pacer = createPacer({ rate: 0.001 });
    await pacer.take(1);
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    expect(await pacer.take(1, controller.signal)).to.equal(0);
    expect(Date.now() - started).to.be.below(2000);
  });

  it('rejects a non-positive rate', () => {
    expect(() => createPacer({ rate: 0 })).to.throw(ConfigError);
    expect(() => createPacer({ rate: -5 })).to.throw(ConfigError);
    expect(() => createPacer({ rate: Number.NaN })).to.throw(ConfigError);
  });
});
