/**
 * ServiceWindow: what window-count hands to anomaly-detect for one service and one closed tumbling
 * window: counts per level, latency quantiles over every level, and sample lines as evidence.
 */
import { z } from 'zod';
import { LOG_LEVELS, type AlertSample, type LogLevel } from '../../schemas/log-schemas.js';

/** Latency summary of one window (every level together); quantiles from a DDSketch with 1% relative accuracy. */
export interface WindowLatency {
  count: number;
  sumMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Sample lines of one window, each list at most five long. */
export interface WindowSamples {
  /** The first ERROR/FATAL lines of the window, in arrival order (error rules show these). */
  errors: AlertSample[];
  /** The slowest lines carrying a latency, slowest first (latency rules show these). */
  slowest: AlertSample[];
  /** The first lines of the window whatever their level (count rules show these). */
  first: AlertSample[];
}

/** One service in one closed window; key = service. Emitted once per window, only for windows with at least one event. */
export interface ServiceWindow {
  service: string;
  windowSizeMs: number;
  windowStartMs: number;
  /** Exclusive. */
  windowEndMs: number;
  /** Every event of the window. */
  count: number;
  /** ERROR + FATAL events. */
  errorCount: number;
  /** Events per level; levels without events are absent. */
  countsByLevel: Partial<Record<LogLevel, number>>;
  /** Null when no event of the window carried a latency. */
  latency: WindowLatency | null;
  /** Largest ingest time (the pipeline's clock) of the window's events: when the service was last heard of. */
  lastIngestMs: number;
  samples: WindowSamples;
}

const sampleSchema = z
  .object({
    eventId: z.string(),
    timestampMs: z.number(),
    host: z.string(),
    level: z.string(),
    message: z.string(),
    latencyMs: z.number().nullable(),
  })
  .strict();

/** Zod schema of ServiceWindow, for a JSON serde when the stream crosses a topic (e.g. a repartition or a debug sink). */
export const serviceWindowSchema: z.ZodType<ServiceWindow> = z
  .object({
    service: z.string(),
    windowSizeMs: z.number().int().positive(),
    windowStartMs: z.number().int(),
    windowEndMs: z.number().int(),
    count: z.number().int().nonnegative(),
    errorCount: z.number().int().nonnegative(),
    countsByLevel: z.partialRecord(z.enum(LOG_LEVELS), z.number().int().nonnegative()),
    latency: z
      .object({ count: z.number(), sumMs: z.number(), maxMs: z.number(), p50Ms: z.number(), p95Ms: z.number(), p99Ms: z.number() })
      .strict()
      .nullable(),
    lastIngestMs: z.number(),
    samples: z.object({ errors: z.array(sampleSchema).max(5), slowest: z.array(sampleSchema).max(5), first: z.array(sampleSchema).max(5) }).strict(),
  })
  .strict() as z.ZodType<ServiceWindow>;
