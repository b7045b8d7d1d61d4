/**
 * Ingest-to-searchable latency during a step: canary lines (canary/canary-line.ts) appended to a
 * file the agent tails, then searched for until found; the latency is write to first found, as a
 * user searching would see it. Every poll asks about all outstanding probes in one search
 * (probe-search.ts), so the probes add the same small load to OpenSearch whatever the latency.
 */
import { createCanaryLine } from '../../canary/canary-line.js';
import { createFileLineWriter } from '../../canary/file-line-writer.js';
import type { Logger } from '../../lib/logger.js';
import type { ProbeSearch } from './probe-search.js';

/** Outcome of the probes of one step. */
export interface ProbeOutcome {
  /** Latencies of the probes found, ms. */
  readonly latenciesMs: number[];
  /** Probes not found within the timeout. */
  readonly timeouts: number;
}

/** A running prober: stop() ends new probes and waits until the outstanding ones are found or time out. */
export interface Prober {
  stop(): Promise<ProbeOutcome>;
}

/** Options of startProber. */
export interface ProberOptions {
  readonly path: string;
  readonly search: ProbeSearch;
  readonly probesPerS: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Pause between two searches. Default 250 ms: the resolution of the figure (the index refreshes every few seconds). */
  readonly pollMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts writing probes at `probesPerS` and polling for the outstanding ones. */
export function startProber({ path, search, probesPerS, timeoutMs, logger, pollMs = 250 }: ProberOptions): Prober {
  const writer = createFileLineWriter({ path, maxFileBytes: 16 * 1024 * 1024 });
  const latenciesMs: number[] = [];
  let timeouts = 0;
  /** token → written at (ms). */
  const outstanding = new Map<string, number>();
  let writing = true;

  const timer = setInterval(() => {
    const probe = createCanaryLine('sawmill-canary');
    writer.write(probe.text, probe.token).then(
      () => outstanding.set(probe.token, probe.writtenAtMs),
      (error: unknown) => logger.error({ err: error }, 'probe could not be written'),
    );
  }, 1000 / probesPerS);

  const poll = async (): Promise<void> => {
    while (writing || outstanding.size > 0) {
      const tokens = [...outstanding.keys()];
      if (tokens.length > 0) {
        try {
          const found = await search(tokens, Math.min(...outstanding.values()));
          const now = Date.now();
          for (const token of found) {
            latenciesMs.push(now - outstanding.get(token)!);
            outstanding.delete(token);
          }
        } catch (error) {
          logger.warn({ err: error }, 'probe search failed; retrying');
        }
        const now = Date.now();
        for (const [token, writtenAtMs] of outstanding) {
          if (now - writtenAtMs < timeoutMs) continue;
          outstanding.delete(token);
          timeouts++;
          logger.warn({ token, timeout_ms: timeoutMs }, 'probe not searchable within the timeout');
        }
      }
      await sleep(pollMs);
    }
  };
  const polling = poll();

  return {
    async stop() {
      clearInterval(timer);
      writing = false;
      await polling;
      return { latenciesMs, timeouts };
    },
  };
}
