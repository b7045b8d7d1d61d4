/**
 * window-count: per service and level, per tumbling window (10 s and 1 min by default), counts and
 * latency quantiles (DDSketch, 1% relative accuracy) for `stats.windowed`, plus one ServiceWindow
 * per service and window for anomaly-detect. Windows are emitted once, when stream time (the
 * largest event time seen) passes window end + grace; later records are late (counted by the
 * task's late-record handling, then dropped or dead-lettered).
 *
 * Input contract: `enriched` must be partitioned by service (keyed by service, as logs.enriched is,
 * e.g. `builder.stream('logs.enriched', ...)`), because each task aggregates the services of its
 * partition. Larger windows are rolled up from closed windows of the smallest size, so every size
 * must be a multiple of the smallest and lateness is judged against the smallest window.
 */
import { z } from 'zod';
import { pino } from 'pino';
import type { Logger } from '../lib/logger.js';
import type { EnrichedLogEvent, WindowedStat } from '../schemas/log-schemas.js';
import { Serdes, type KStream, type StreamsBuilder } from '../topology/index.js';
import { latencyCellSerde } from './stats/latency-cell.js';
import { readValidatedJsonSerde } from './stats/read-validated-json-serde.js';
import type { ServiceWindow } from './stats/service-window.js';
import { WindowCountProcessor, type WindowCountRecord } from './stats/window-count-processor.js';
import { windowStoreValueSchema } from './stats/window-store-value.js';

export type { ServiceWindow, WindowLatency, WindowSamples } from './stats/service-window.js';
export { serviceWindowSchema } from './stats/service-window.js';
export { statKey } from './stats/window-count-processor.js';

/** Config of window-count (strict; part of the stream's config file). */
export const windowCountConfigSchema = z
  .object({
    windowSizesMs: z
      .array(z.number().int().positive())
      .min(1)
      .default([10_000, 60_000])
      .describe('Tumbling window sizes in ms; each must be a multiple of the smallest (larger windows are rolled up from it).'),
    graceMs: z.number().int().nonnegative().default(30_000).describe('How long after a window ends records are still counted into it, in ms; then the window is emitted. Stream time is per partition and several services share a partition, so a service whose agent runs behind its neighbours (spool drain, slow link) needs this much slack or its lines are late'),
  })
  .strict();

/** Options of addWindowCount. */
export interface WindowCountOptions {
  /** The builder `enriched` came from (window-count declares its stores on it). */
  builder: StreamsBuilder;
  /** Window sizes in ms; default [10_000, 60_000]; each a multiple of the smallest. */
  windowSizesMs?: number[];
  /** Grace after window end in ms; default 30_000 (see the config key). */
  graceMs?: number;
  /** Prefix of the processor and store names (changelog topics `<applicationId>-<prefix>-cells-changelog`, `-windows-changelog`); default `window-count`. */
  name?: string;
  /** Default: a silent logger. */
  logger?: Logger;
}

/** The streams window-count produces. */
export interface WindowCountStreams {
  /** One WindowedStat per service, level and closed window; key `service|level|windowSizeMs|windowStartMs`. Write it to stats.windowed. */
  stats: KStream<string, WindowedStat>;
  /** One ServiceWindow per service and closed window (every configured size); key = service. Feed it to addAnomalyDetect. */
  serviceWindows: KStream<string, ServiceWindow>;
}

/** Validates window sizes and grace; throws a RangeError naming the bad value. Returns the sizes ascending. */
export function checkWindowSizes(windowSizesMs: readonly number[], graceMs: number): number[] {
  const sizes = [...new Set(windowSizesMs)].sort((a, b) => a - b);
  if (sizes.length === 0) throw new RangeError('window-count: at least one window size is needed');
  for (const size of sizes) if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`window-count: window size ${size} is not a positive integer of ms`);
  const smallest = sizes[0]!;
  for (const size of sizes) if (size % smallest !== 0) throw new RangeError(`window-count: window size ${size} ms is not a multiple of the smallest size ${smallest} ms`);
  if (!Number.isSafeInteger(graceMs) || graceMs < 0) throw new RangeError(`window-count: grace ${graceMs} is not a non-negative integer of ms`);
  return sizes;
}

/** Adds window-count to the topology of `enriched`; see the file header for the input contract. */
export function addWindowCount(enriched: KStream<string, EnrichedLogEvent>, options: WindowCountOptions): WindowCountStreams {
  const graceMs = options.graceMs ?? 30_000;
  const windowSizesMs = checkWindowSizes(options.windowSizesMs ?? [10_000, 60_000], graceMs);
  const name = options.name ?? 'window-count';
  const cellStoreName = `${name}-cells`;
  const windowStoreName = `${name}-windows`;
  const logger = options.logger ?? pino({ level: 'silent' });
  options.builder.addStateStore({ type: 'key-value', name: cellStoreName, keySerde: Serdes.String(), valueSerde: latencyCellSerde });
  options.builder.addStateStore({ type: 'key-value', name: windowStoreName, keySerde: Serdes.String(), valueSerde: readValidatedJsonSerde(windowStoreValueSchema) });
  const closed: KStream<string, WindowCountRecord> = enriched.process(
    () => new WindowCountProcessor({ windowSizesMs, graceMs, cellStoreName, windowStoreName, logger }),
    { name, stores: [cellStoreName, windowStoreName] },
  );
  const stats = closed.flatMapValues((record) => (record.kind === 'stat' ? [record.stat] : []), `${name}-stats`);
  const serviceWindows = closed.flatMapValues((record) => (record.kind === 'window' ? [record.window] : []), `${name}-service-windows`);
  return { stats, serviceWindows };
}
