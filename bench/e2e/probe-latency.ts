/**
 * Ingest-to-searchable latency during a step: canary lines (canary/canary-line.ts) appended to a
 * file the agent tails, each searched for (canary/searchable-check.ts) until found; the latency
 * is write to first found, as a user searching would see it.
 */
import { createCanaryLine } from '../../canary/canary-line.js';
import { createFileLineWriter } from '../../canary/file-line-writer.js';
import type { SearchableCheck } from '../../canary/searchable-check.js';
import type { Logger } from '../../lib/logger.js';

/** Outcome of the probes of one step. */
export interface ProbeOutcome {
  /** Latencies of the probes found, ms. */
  readonly latenciesMs: number[];
  /** Probes not found within the timeout. */
  readonly timeouts: number;
}

/** A running prober: stop() ends new probes and waits for the ones in flight. */
export interface Prober {
  stop(): Promise<ProbeOutcome>;
}

/** Options of startProber. */
export interface ProberOptions {
  readonly path: string;
  readonly check: SearchableCheck;
  readonly probesPerS: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Pause between two searches for one probe. Default 200 ms: finer would load OpenSearch with searches more than it sharpens the figure (the index refreshes every few seconds). */
  readonly pollMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts writing probes at `probesPerS` and chasing each one. */
export function startProber({ path, check, probesPerS, timeoutMs, logger, pollMs = 200 }: ProberOptions): Prober {
  const writer = createFileLineWriter({ path, maxFileBytes: 16 * 1024 * 1024 });
  const latenciesMs: number[] = [];
  let timeouts = 0;
  const inFlight = new Set<Promise<void>>();

  const chase = async (): Promise<void> => {
    const probe = createCanaryLine('sawmill-canary');
    await writer.write(probe.text, probe.token);
    const deadline = probe.writtenAtMs + timeoutMs;
    while (Date.now() < deadline) {
      try {
        if (await check(probe.token, probe.writtenAtMs)) {
          latenciesMs.push(Date.now() - probe.writtenAtMs);
          return;
        }
      } catch (error) {
        logger.warn({ err: error, token: probe.token }, 'probe search failed; retrying');
      }
      await sleep(pollMs);
    }
    timeouts++;
    logger.warn({ token: probe.token, timeout_ms: timeoutMs }, 'probe not searchable within the timeout');
  };

  const timer = setInterval(() => {
    const run = chase().catch((error: unknown) => logger.error({ err: error }, 'probe could not be written'));
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  }, 1000 / probesPerS);

  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return { latenciesMs, timeouts };
    },
  };
}
