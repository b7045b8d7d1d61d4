/**
 * The canary's Prometheus metrics: how long a line takes from the agent to being searchable,
 * and how often it never gets there.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createMetrics, metricName } from '../lib/metrics.js';

/** Why a probe failed: its line could not be written, or every search for it failed. */
export type FailureStage = 'write' | 'search';

/** The canary's metric handles. */
export interface CanaryMetrics {
  readonly registry: Registry;
  /** Seconds from the start of the write to the first search that found the line; probes that never found it are not observed. */
  readonly ingestToSearchable: Histogram;
  /** Probes whose line was written but not found within the timeout. */
  readonly timeouts: Counter;
  /** Probes that failed, by stage (write, search). */
  readonly failures: Counter<'stage'>;
  /** Probes completed (found, timed out or failed); an abandoned probe is not counted. */
  readonly probes: Counter;
  /** When a line was last found (seconds since the epoch); 0 until the first success. */
  readonly lastSuccess: Gauge;
}

/** Buckets from half a second (a refresh interval) to the five minutes after which a line is surely lost. */
export const INGEST_TO_SEARCHABLE_BUCKETS = [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300];

/** Creates the canary's registry and metrics, every series present (at 0) from the start. */
export function createCanaryMetrics(options: { defaultMetrics?: boolean } = {}): CanaryMetrics {
  const registry = createMetrics({ component: 'canary', defaultMetrics: options.defaultMetrics ?? true });
  const name = (thing: string): string => metricName('canary', thing);
  const metrics: CanaryMetrics = {
    registry,
    ingestToSearchable: new Histogram({
      name: name('ingest_to_searchable_seconds'),
      help: 'Time from writing a canary line through the agent to the first search that finds it',
      buckets: INGEST_TO_SEARCHABLE_BUCKETS,
      registers: [registry],
    }),
    timeouts: new Counter({ name: name('timeouts_total'), help: 'Canary lines written but not searchable within the timeout', registers: [registry] }),
    failures: new Counter({ name: name('failures_total'), help: 'Canary probes that failed, by stage: write (the agent did not take the line) or search (every search failed)', labelNames: ['stage'], registers: [registry] }),
    probes: new Counter({ name: name('probes_total'), help: 'Canary probes completed: found, timed out or failed', registers: [registry] }),
    lastSuccess: new Gauge({ name: name('last_success_timestamp_seconds'), help: 'When a canary line was last found searchable, in seconds since the epoch (0: never)', registers: [registry] }),
  };
  for (const stage of ['write', 'search'] satisfies FailureStage[]) metrics.failures.inc({ stage }, 0);
  metrics.lastSuccess.set(0);
  return metrics;
}
