/**
 * One canary probe: write a fresh line through the agent, then search for it until it is found
 * or the timeout passes, and record the outcome in the canary metrics.
 */
import { performance } from 'node:perf_hooks';
import { abortableSleep } from '../lib/retry.js';
import { createCanaryLine } from './canary-line.js';
import type { CanaryMetrics } from './canary-metrics.js';
import type { LineWriter } from './line-writer.js';
import type { SearchableCheck } from './searchable-check.js';

/** What one probe found. */
export type ProbeResult =
  | { readonly outcome: 'searchable'; readonly token: string; readonly seconds: number; readonly searches: number }
  | { readonly outcome: 'timeout'; readonly token: string; readonly searches: number; readonly lastError?: unknown }
  | { readonly outcome: 'write_failed'; readonly token: string; readonly error: unknown }
  | { readonly outcome: 'search_failed'; readonly token: string; readonly searches: number; readonly error: unknown };

/** Options of runProbe. */
export interface ProbeOptions {
  readonly writer: LineWriter;
  readonly check: SearchableCheck;
  readonly metrics: CanaryMetrics;
  /** `service` of the canary line. */
  readonly service: string;
  /** How long after the write the line may take to become searchable. */
  readonly timeoutMs: number;
  /** Pause between two searches. */
  readonly pollIntervalMs: number;
  /** Aborting ends the probe at once with the signal's reason; nothing is recorded for it. */
  readonly signal?: AbortSignal;
}

/**
 * Runs one probe and records it: a found line is observed in the latency histogram; a line never
 * found counts as a timeout; a failed write, or a probe whose every search failed, as a failure
 * of that stage. Only an abort rejects.
 */
export async function runProbe(options: ProbeOptions): Promise<ProbeResult> {
  const { writer, check, metrics, signal } = options;
  const line = createCanaryLine(options.service);
  // The clock starts before the write: the agent's own delay is part of ingest latency.
  const started = performance.now();
  try {
    await writer.write(line.text, line.token);
  } catch (error) {
    signal?.throwIfAborted();
    metrics.probes.inc();
    metrics.failures.inc({ stage: 'write' });
    return { outcome: 'write_failed', token: line.token, error };
  }
  const deadline = started + options.timeoutMs;
  let searches = 0;
  let answered = 0;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    searches += 1;
    try {
      const found = await check(line.token, line.writtenAtMs);
      answered += 1;
      if (found) {
        const seconds = (performance.now() - started) / 1000;
        metrics.probes.inc();
        metrics.ingestToSearchable.observe(seconds);
        metrics.lastSuccess.set(Date.now() / 1000);
        return { outcome: 'searchable', token: line.token, seconds, searches };
      }
    } catch (error) {
      signal?.throwIfAborted();
      lastError = error;
    }
    const left = deadline - performance.now();
    if (left <= 0) break;
    await abortableSleep(Math.min(options.pollIntervalMs, left), signal);
  }
  metrics.probes.inc();
  if (answered === 0) {
    metrics.failures.inc({ stage: 'search' });
    return { outcome: 'search_failed', token: line.token, searches, error: lastError };
  }
  metrics.timeouts.inc();
  return lastError === undefined ? { outcome: 'timeout', token: line.token, searches } : { outcome: 'timeout', token: line.token, searches, lastError };
}
