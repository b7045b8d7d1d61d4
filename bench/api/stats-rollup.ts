/**
 * The `stats_windowed` rows the pipeline's window count would have written for a set of events:
 * one row per service, level, window size and tumbling window of event time, with the count and
 * the latency count, sum, max and (exact, nearest-rank) p50/p95/p99. The DDSketch column stays
 * null: no API route reads it.
 */
import type { EnrichedLogEvent, WindowedStat } from '../../schemas/log-schemas.js';

interface Cell {
  service: string;
  level: EnrichedLogEvent['level'];
  windowSizeMs: number;
  windowStartMs: number;
  count: number;
  latencies: number[];
}

/** Nearest-rank quantile of sorted values; null for none. */
export function nearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Accumulates events into windowed stats; `rows()` returns them in key order. */
export class StatsRollup {
  private readonly cells = new Map<string, Cell>();

  /** @param windowSizesMs the pipeline's window sizes (default ones: 10 s and 1 min). */
  constructor(private readonly windowSizesMs: readonly number[] = [10_000, 60_000]) {
    for (const size of windowSizesMs) if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`window size ${size} is not a positive integer`);
  }

  /** Counts `event` in each of its windows. */
  add(event: Pick<EnrichedLogEvent, 'service' | 'level' | 'timestampMs' | 'latencyMs'>): void {
    for (const size of this.windowSizesMs) {
      const windowStartMs = event.timestampMs - (event.timestampMs % size);
      const key = `${event.service}\u0000${event.level}\u0000${size}\u0000${windowStartMs}`;
      let cell = this.cells.get(key);
      if (cell === undefined) {
        cell = { service: event.service, level: event.level, windowSizeMs: size, windowStartMs, count: 0, latencies: [] };
        this.cells.set(key, cell);
      }
      cell.count += 1;
      if (event.latencyMs !== null && Number.isFinite(event.latencyMs)) cell.latencies.push(event.latencyMs);
    }
  }

  /** Number of rows so far. */
  get size(): number {
    return this.cells.size;
  }

  /** The rows, emitted (as the pipeline does) once the window closed. */
  *rows(): Generator<WindowedStat> {
    for (const cell of this.cells.values()) {
      const sorted = cell.latencies.sort((a, b) => a - b);
      const windowEndMs = cell.windowStartMs + cell.windowSizeMs;
      yield {
        service: cell.service,
        level: cell.level,
        windowSizeMs: cell.windowSizeMs,
        windowStartMs: cell.windowStartMs,
        windowEndMs,
        count: cell.count,
        latencyCount: sorted.length,
        latencySumMs: sorted.reduce((sum, value) => sum + value, 0),
        latencyMaxMs: sorted.length === 0 ? null : sorted[sorted.length - 1]!,
        latencyP50Ms: nearestRank(sorted, 0.5),
        latencyP95Ms: nearestRank(sorted, 0.95),
        latencyP99Ms: nearestRank(sorted, 0.99),
        latencySketch: null,
        emittedAtMs: windowEndMs + 5_000,
      };
    }
  }
}
