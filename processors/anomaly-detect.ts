/**
 * anomaly-detect: evaluates the alert rules of a catalog (the compacted alert-rules topic, see
 * alert-rules-table.ts) on window-count's closed ServiceWindows and emits one FIRING and one
 * RESOLVED AlertEvent per episode, keyed by fingerprint, with evidence. Baselines and episodes live
 * in a logged key-value store, so a restart neither forgets a baseline nor fires an episode twice.
 * Rule kinds: ERROR_SPIKE, LATENCY_ANOMALY, THRESHOLD (per window) and ABSENCE (wall-clock check).
 * Rules that cannot be evaluated (missing or out-of-range params, a window size that is not
 * counted) are skipped with a warning and `sawmill_stream_anomaly_rules_rejected_total`.
 */
import type { Registry } from 'prom-client';
import { pino } from 'pino';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import { metricName } from '../lib/metrics.js';
import type { AlertEvent } from '../schemas/log-schemas.js';
import { Serdes, type KStream, type StreamsBuilder } from '../topology/index.js';
import { AnomalyDetectProcessor } from './anomaly/anomaly-detect-processor.js';
import { detectorStateSchema } from './anomaly/detector-state.js';
import { registeredCounter } from './anomaly/registered-counter.js';
import type { AlertRuleCatalog } from './anomaly/rule-catalog.js';
import type { ServiceWindow } from './stats/service-window.js';

export type { AlertRuleCatalog } from './anomaly/rule-catalog.js';
export { InMemoryRuleCatalog } from './anomaly/rule-catalog.js';
export { fingerprint, alertId } from './anomaly/fingerprint.js';

/** Config of anomaly-detect (strict; part of the stream's config file). */
export const anomalyDetectConfigSchema = z
  .object({
    checkIntervalMs: z.number().int().positive().default(10_000).describe('Wall-clock interval of the ABSENCE check and of resolving episodes of deleted or disabled rules, in ms.'),
  })
  .strict();

/** Options of addAnomalyDetect. */
export interface AnomalyDetectOptions {
  /** The builder `serviceWindows` came from (anomaly-detect declares its store on it). */
  builder: StreamsBuilder;
  /** The current rules (AlertRulesTable in production). */
  catalog: AlertRuleCatalog;
  /** The window sizes window-count emits (the same list given to addWindowCount); default [10_000, 60_000]. */
  windowSizesMs?: readonly number[];
  /** Wall-clock interval of the ABSENCE and deleted-rule check, ms; default 10_000. */
  checkIntervalMs?: number;
  /** Processor and store name (changelog `<applicationId>-<name>-state-changelog`); default `anomaly-detect`. */
  name?: string;
  /** Registry for the rejected-rules and alerts counters; none when omitted. */
  registry?: Registry;
  /** Default: a silent logger. */
  logger?: Logger;
}

/** Adds anomaly-detect after window-count; returns the AlertEvents (key = fingerprint) to write to the alerts topic. */
export function addAnomalyDetect(serviceWindows: KStream<string, ServiceWindow>, options: AnomalyDetectOptions): KStream<string, AlertEvent> {
  const name = options.name ?? 'anomaly-detect';
  const storeName = `${name}-state`;
  const checkIntervalMs = options.checkIntervalMs ?? 10_000;
  if (!Number.isSafeInteger(checkIntervalMs) || checkIntervalMs < 1) throw new RangeError(`anomaly-detect: checkIntervalMs ${checkIntervalMs} must be a positive integer of ms`);
  const windowSizesMs = options.windowSizesMs ?? [10_000, 60_000];
  const logger = options.logger ?? pino({ level: 'silent' });
  const registry = options.registry;
  const rulesRejected = registry ? registeredCounter(registry, metricName('stream', 'anomaly_rules_rejected_total'), 'Alert rule versions anomaly-detect ignored because they cannot be evaluated (per task).') : undefined;
  const alertsEmitted = registry ? registeredCounter(registry, metricName('stream', 'alerts_emitted_total'), 'FIRING and RESOLVED alert events emitted by anomaly-detect.', ['state', 'kind']) : undefined;
  options.builder.addStateStore({ type: 'key-value', name: storeName, keySerde: Serdes.String(), valueSerde: Serdes.Json(detectorStateSchema) });
  return serviceWindows.process(
    () => new AnomalyDetectProcessor({ catalog: options.catalog, storeName, windowSizesMs, checkIntervalMs, logger, rulesRejected, alertsEmitted }),
    { name, stores: [storeName] },
  );
}
