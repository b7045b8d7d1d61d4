import { expect } from 'chai';
import { ConfigError, RetriesExhaustedError, ServiceUnavailableError } from './errors.js';
import { abortableSleep, backoffDelay, retry, type RetryEvent } from './retry.js';

/** A sleep that records the requested waits and returns at once, honouring the signal like the real one. */
function fakeSleep(): { sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      waits.push(ms);
    },
  };
}

const down = (): ServiceUnavailableError => new ServiceUnavailableError('connection refused', 'postgres');

describe('lib/retry', () => {
  it('returns the first success without waiting', async () => {
    const { sleep, waits } = fakeSleep();
    const result = await retry(async ({ attempt }) => `ok on ${attempt}`, { sleep });
    expect(result).to.equal('ok on 1');
    expect(waits).to.deep.equal([]);
  });

  it('retries a retriable error until it succeeds', async () => {
    const { sleep, waits } = fakeSleep();
    let calls = 0;
    const result = await retry(
      async () => {
        calls += 1;
        if (calls < 3) throw down();
        return 'done';
      },
      { retries: 5, sleep, random: () => 0.5 },
    );
    expect(result).to.equal('done');
    expect(calls).to.equal(3);
    expect(waits).to.have.length(2);
  });

  it('makes retries + 1 attempts, then throws RetriesExhaustedError with the count and the last error', async () => {
    const { sleep } = fakeSleep();
    const errors: Error[] = [];
    let calls = 0;
    const error = await retry(
      async () => {
        calls += 1;
        const e = new ServiceUnavailableError(`down #${calls}`, 'redis');
        errors.push(e);
        throw e;
      },
      { retries: 4, sleep },
    ).then(
      () => expect.fail('should have thrown'),
      (e: unknown) => e,
    );
    expect(calls).to.equal(5);
    expect(error).to.be.instanceOf(RetriesExhaustedError);
    const exhausted = error as RetriesExhaustedError;
    expect(exhausted.attempts).to.equal(5);
    expect(exhausted.cause).to.equal(errors[4]);
    expect(exhausted.message).to.equal('gave up after 5 attempts: down #5');
    expect(exhausted.retriable).to.equal(false);
  });

  it('draws each wait within [0, bound], with bounds growing by the factor up to the maximum', async () => {
    const { sleep, waits } = fakeSleep();
    const events: RetryEvent[] = [];
    // Largest value random() can return, so each wait sits at the top of its bound.
    const top = 1 - Number.EPSILON;
    await retry(
      async () => {
        throw down();
      },
      { retries: 7, initialDelayMs: 100, factor: 2, maxDelayMs: 3000, sleep, random: () => top, onRetry: (e) => events.push(e) },
    ).catch(() => undefined);
    const bounds = [100, 200, 400, 800, 1600, 3000, 3000];
    expect(waits).to.have.length(bounds.length);
    waits.forEach((wait, i) => {
      expect(wait).to.be.at.least(0);
      expect(wait).to.be.at.most(bounds[i] as number);
      expect(wait).to.be.at.least((bounds[i] as number) - 1);
    });
    for (let i = 1; i < 5; i += 1) expect(waits[i] as number).to.be.greaterThan(waits[i - 1] as number);
    expect(events.map((e) => e.attempt)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(events.map((e) => e.delayMs)).to.deep.equal(waits);
  });

  it('spreads waits over the whole range with full jitter', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 10_000, factor: 2, jitter: 'full' as const };
    expect(backoffDelay(3, { ...options, random: () => 0 })).to.equal(0);
    expect(backoffDelay(3, { ...options, random: () => 0.5 })).to.equal(200);
    expect(backoffDelay(3, { ...options, jitter: 'none', random: () => 0 })).to.equal(400);
    // Real randomness: every draw inside the bound.
    for (let i = 0; i < 1000; i += 1) {
      const wait = backoffDelay(4, { ...options, random: Math.random });
      expect(wait).to.be.within(0, 800);
    }
  });

  it('stops at once on a non-retriable error', async () => {
    const { sleep, waits } = fakeSleep();
    let calls = 0;
    const bad = new ConfigError('bad url', 'options', 'url');
    const error = await retry(
      async () => {
        calls += 1;
        throw bad;
      },
      { retries: 10, sleep },
    ).catch((e: unknown) => e);
    expect(calls).to.equal(1);
    expect(waits).to.deep.equal([]);
    expect(error).to.be.instanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).to.equal(1);
    expect((error as RetriesExhaustedError).cause).to.equal(bad);
  });

  it('treats plain errors as not retriable by default and follows a custom isRetriable', async () => {
    const { sleep } = fakeSleep();
    let calls = 0;
    const fail = async (): Promise<never> => {
      calls += 1;
      throw new Error('plain');
    };
    await retry(fail, { retries: 3, sleep }).catch(() => undefined);
    expect(calls).to.equal(1);
    calls = 0;
    await retry(fail, { retries: 3, sleep, isRetriable: () => true }).catch(() => undefined);
    expect(calls).to.equal(4);
  });

  it('respects kafkajs-style errors that carry their own retriable flag', async () => {
    const { sleep } = fakeSleep();
    let calls = 0;
    await retry(
      async () => {
        calls += 1;
        throw Object.assign(new Error('leader not available'), { retriable: true });
      },
      { retries: 2, sleep },
    ).catch(() => undefined);
    expect(calls).to.equal(3);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopping'));
    let calls = 0;
    const error = await retry(
      async () => {
        calls += 1;
      },
      { signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(calls).to.equal(0);
    expect((error as Error).message).to.equal('stopping');
  });

  it('ends a pending wait at once when aborted, with the real sleep', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const pending = retry(
      async () => {
        calls += 1;
        throw down();
      },
      { retries: 5, initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 'none', signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('shutdown')), 20);
    const error = await pending.catch((e: unknown) => e);
    expect((error as Error).message).to.equal('shutdown');
    expect(calls).to.equal(1);
    expect(Date.now() - started).to.be.below(5000);
  });

  it('does not retry an attempt that failed because of the abort, and passes the signal to it', async () => {
    const controller = new AbortController();
    let calls = 0;
    const error = await retry(
      async ({ signal }) => {
        calls += 1;
        controller.abort(new Error('aborted mid-attempt'));
        expect(signal).to.equal(controller.signal);
        throw down();
      },
      { retries: 5, sleep: fakeSleep().sleep, signal: controller.signal },
    ).catch((e: unknown) => e);
    expect(calls).to.equal(1);
    expect((error as Error).message).to.equal('aborted mid-attempt');
  });

  it('rejects nonsensical options at once', async () => {
    const ok = async (): Promise<number> => 1;
    for (const options of [{ retries: -1 }, { retries: 1.5 }, { initialDelayMs: 10, maxDelayMs: 5 }, { factor: 0.5 }]) {
      const error = await retry(ok, options).catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).to.be.instanceOf(TypeError);
    }
  });

  it('abortableSleep resolves after the delay and cleans its listener', async () => {
    const controller = new AbortController();
    const started = Date.now();
    await abortableSleep(30, controller.signal);
    expect(Date.now() - started).to.be.at.least(25);
    controller.abort(new Error('late'));
  });
});
