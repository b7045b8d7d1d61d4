/**
 * WindowAggregate: everything window-count knows about one service in one window: per level, the
 * latency cells (see latency-cell.ts) and the sample lines. It turns into the window's outputs
 * (one WindowedStat per level, one ServiceWindow) and merges into a larger window's aggregate, so
 * 1-minute windows are rolled up from closed 10-second ones instead of being counted per event.
 */
import { z } from 'zod';
import { ERROR_LEVELS, LOG_LEVELS, type LogLevel, type WindowedStat } from '../../schemas/log-schemas.js';
import { emptyCell, NO_LATENCY_BIN, type LatencyCell } from './latency-cell.js';
import { LatencySketch, type BinCount } from './latency-sketch.js';
import { emptySamples, mergeSamples } from './sample-set.js';
import type { ServiceWindow, WindowLatency, WindowSamples } from './service-window.js';

/** Index of each level in LOG_LEVELS (the level index of cell keys). */
export const LEVEL_INDEX: ReadonlyMap<string, number> = new Map(LOG_LEVELS.map((level, i) => [level, i]));
const ERROR_INDEXES = new Set(ERROR_LEVELS.map((level) => LEVEL_INDEX.get(level)!));

/** True when the level index counts as an error (ERROR, FATAL). */
export function isErrorLevelIndex(levelIndex: number): boolean {
  return ERROR_INDEXES.has(levelIndex);
}

/** The cells of one level: events without latency, and one cell per sketch bin. */
export interface LevelCells {
  plain: LatencyCell;
  bins: Map<number, LatencyCell>;
}

/** The outputs of a closed window. */
export interface WindowOutputs {
  stats: WindowedStat[];
  window: ServiceWindow;
}

/** One service in one window; see the file header. */
export class WindowAggregate {
  /** Indexed by level index; undefined for levels without events. */
  readonly levels: (LevelCells | undefined)[] = new Array<LevelCells | undefined>(LOG_LEVELS.length);
  samples: WindowSamples = emptySamples();

  /** The cells of `levelIndex`, created when missing. */
  level(levelIndex: number): LevelCells {
    let cells = this.levels[levelIndex];
    if (cells === undefined) this.levels[levelIndex] = cells = { plain: emptyCell(), bins: new Map() };
    return cells;
  }

  /** Adds `from`'s counts, latencies and samples to this aggregate (the larger window's). */
  merge(from: WindowAggregate): void {
    from.levels.forEach((source, index) => {
      if (source === undefined) return;
      const target = this.level(index);
      addCell(target.plain, source.plain);
      for (const [bin, cell] of source.bins) {
        let into = target.bins.get(bin);
        if (into === undefined) target.bins.set(bin, (into = emptyCell()));
        addCell(into, cell);
      }
    });
    mergeSamples(this.samples, from.samples);
  }

  /** The WindowedStats (levels with events, in LOG_LEVELS order) and the ServiceWindow of this aggregate. */
  outputs(service: string, windowSizeMs: number, windowStartMs: number, emittedAtMs: number): WindowOutputs {
    const windowEndMs = windowStartMs + windowSizeMs;
    const stats: WindowedStat[] = [];
    const countsByLevel: Partial<Record<LogLevel, number>> = {};
    const overall = LatencySketch.empty();
    let count = 0;
    let errorCount = 0;
    let lastIngestMs = 0;
    let latencySum = 0;
    let latencyMax = 0;
    this.levels.forEach((cells, index) => {
      if (cells === undefined) return;
      const level = LOG_LEVELS[index]!;
      let levelCount = cells.plain[0];
      let latencyCount = 0;
      let sumMs = 0;
      let maxMs = 0;
      lastIngestMs = Math.max(lastIngestMs, cells.plain[3]);
      const bins: BinCount[] = [];
      for (const [bin, cell] of cells.bins) {
        levelCount += cell[0];
        latencyCount += cell[0];
        sumMs += cell[1];
        maxMs = Math.max(maxMs, cell[2]);
        lastIngestMs = Math.max(lastIngestMs, cell[3]);
        bins.push({ bin, count: cell[0] });
      }
      if (levelCount === 0) return;
      const sketch = latencyCount > 0 ? LatencySketch.fromBins(bins, sumMs, maxMs) : undefined;
      const quantiles = sketch?.quantiles();
      if (sketch) overall.merge(sketch);
      stats.push({
        service,
        level,
        windowSizeMs,
        windowStartMs,
        windowEndMs,
        count: levelCount,
        latencyCount,
        latencySumMs: sumMs,
        latencyMaxMs: sketch ? maxMs : null,
        latencyP50Ms: quantiles?.p50Ms ?? null,
        latencyP95Ms: quantiles?.p95Ms ?? null,
        latencyP99Ms: quantiles?.p99Ms ?? null,
        latencySketch: sketch ? sketch.toBytes() : null,
        emittedAtMs,
      });
      countsByLevel[level] = levelCount;
      count += levelCount;
      if (isErrorLevelIndex(index)) errorCount += levelCount;
      latencySum += sumMs;
      latencyMax = Math.max(latencyMax, maxMs);
    });
    const quantiles = overall.quantiles();
    const latency: WindowLatency | null = quantiles ? { count: overall.count, sumMs: latencySum, maxMs: latencyMax, ...quantiles } : null;
    const window: ServiceWindow = { service, windowSizeMs, windowStartMs, windowEndMs, count, errorCount, countsByLevel, latency, lastIngestMs, samples: this.samples };
    return { stats, window };
  }

  /** A JSON-safe form of the aggregate (rollups are stored this way). */
  toJson(): WindowAggregateJson {
    const levels: WindowAggregateJson['levels'] = [];
    this.levels.forEach((cells, index) => {
      if (cells !== undefined) levels.push({ level: index, plain: [...cells.plain], bins: [...cells.bins].map(([bin, cell]) => [bin, ...cell]) });
    });
    return { levels, samples: this.samples };
  }

  /** Rebuilds an aggregate from `toJson`'s form. */
  static fromJson(json: WindowAggregateJson): WindowAggregate {
    const out = new WindowAggregate();
    for (const { level, plain, bins } of json.levels) {
      const cells = out.level(level);
      cells.plain = [...plain];
      for (const [bin, ...cell] of bins) cells.bins.set(bin, cell);
    }
    out.samples = json.samples;
    return out;
  }
}

function addCell(into: LatencyCell, from: LatencyCell): void {
  into[0] += from[0];
  into[1] += from[1];
  into[2] = Math.max(into[2], from[2]);
  into[3] = Math.max(into[3], from[3]);
}

const cellSchema = z.tuple([z.number().nonnegative(), z.number(), z.number(), z.number()]);
/** Zod schema of one stored AlertSample. */
export const sampleSchema = z.object({ eventId: z.string(), timestampMs: z.number(), host: z.string(), level: z.string(), message: z.string(), latencyMs: z.number().nullable() }).strict();

/** Zod schema of WindowSamples as stored. */
export const samplesSchema = z.object({ errors: z.array(sampleSchema).max(5), slowest: z.array(sampleSchema).max(5), first: z.array(sampleSchema).max(5) }).strict();

/** Zod schema of the stored form of a WindowAggregate. */
export const windowAggregateJsonSchema = z
  .object({
    levels: z.array(
      z
        .object({
          level: z.number().int().min(0).max(LOG_LEVELS.length - 1),
          plain: cellSchema,
          bins: z.array(z.tuple([z.number().int(), z.number().nonnegative(), z.number(), z.number(), z.number()])),
        })
        .strict(),
    ),
    samples: samplesSchema,
  })
  .strict();

/** The stored form of a WindowAggregate. */
export type WindowAggregateJson = z.infer<typeof windowAggregateJsonSchema>;

/** Re-exported for the processor: the bin label of events without latency. */
export { NO_LATENCY_BIN };
