/**
 * Paces line emission at a target rate with a token bucket.
 *
 * Tokens accrue from the clock's measured elapsed time, fractions included, so
 * timer overshoot or a slow consumer never makes the long-run rate drift: a late
 * wake-up simply finds more tokens. The caller emits in batches, one per tick,
 * instead of one timer per line, which keeps high rates cheap. The bucket's
 * capacity bounds the catch-up burst after a stall (a slow sink must not be
 * answered with an unbounded flood).
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { ConfigError } from '../../lib/errors.js';

/** Options of createPacer. */
export interface PacerOptions {
  /** Target lines per second, or 'max' for no pacing at all. */
  readonly rate: number | 'max';
  /** Time source in ms; injectable so tests run on simulated time. Default performance.now. */
  readonly clock?: () => number;
  /** Waits `ms` (or until `signal` aborts); injectable so tests never sleep. Default a timer. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Shortest wait between batches, in ms. Default 50. */
  readonly tickMs?: number;
  /** Bucket capacity as time at the target rate, in ms: the largest catch-up burst. Default 1000. */
  readonly burstMs?: number;
}

/** Hands out permission to emit lines at the target rate. */
export interface Pacer {
  /** The target rate this pacer was made with. */
  readonly rate: number | 'max';
  /**
   * Waits until at least one line may be emitted and returns how many may be
   * emitted now (1..max); returns 0 at once if `signal` is or becomes aborted.
   */
  take(max: number, signal?: AbortSignal): Promise<number>;
}

async function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleepFor(ms, undefined, signal === undefined ? undefined : { signal });
  } catch (error) {
    // An abort ends the wait early; the caller checks the signal itself.
    if (!(error instanceof Error && error.name === 'AbortError')) throw error;
  }
}

/** Creates a token-bucket pacer; throws ConfigError on a non-positive rate or tick. */
export function createPacer(options: PacerOptions): Pacer {
  const { rate } = options;
  if (rate !== 'max' && !(Number.isFinite(rate) && rate > 0)) {
    throw new ConfigError(`rate must be a positive number or 'max', got ${String(rate)}`, 'options', 'rate');
  }
  const tickMs = options.tickMs ?? 50;
  const burstMs = options.burstMs ?? 1000;
  if (!(tickMs > 0) || !(burstMs > 0)) throw new ConfigError('tickMs and burstMs must be positive', 'options', 'tickMs');
  const clock = options.clock ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;

  if (rate === 'max') {
    return {
      rate,
      take: async (max, signal) => (signal?.aborted ? 0 : Math.max(1, Math.floor(max))),
    };
  }

  const perMs = rate / 1000;
  // Room for at least two ticks' worth, so a normal tick never spills tokens.
  const capacity = Math.max(1, perMs * burstMs, perMs * tickMs * 2);
  // One token up front: the first line goes out immediately.
  let tokens = 1;
  let last = clock();

  const refill = (): void => {
    const now = clock();
    if (now > last) tokens = Math.min(capacity, tokens + (now - last) * perMs);
    last = now;
  };

  return {
    rate,
    async take(max, signal) {
      const limit = Math.max(1, Math.floor(max));
      for (;;) {
        if (signal?.aborted) return 0;
        refill();
        if (tokens >= 1) {
          const granted = Math.min(limit, Math.floor(tokens));
          tokens -= granted;
          return granted;
        }
        await sleep(Math.max(tickMs, Math.ceil((1 - tokens) / perMs)), signal);
      }
    },
  };
}
