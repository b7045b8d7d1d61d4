/**
 * Test fixtures of the window-count and anomaly-detect tests: enriched events with defaults, and a
 * topology that reads them from a JSON topic (the pipeline uses Avro; the processors do not care).
 */
import type { AlertRule, EnrichedLogEvent, LogLevel } from '../../schemas/log-schemas.js';
import type { ServiceWindow } from './service-window.js';

let sequence = 0;

/** An enriched event with sensible defaults; `overrides` win. eventIds are `e1`, `e2`, ... unless given. */
export function enrichedEvent(overrides: Partial<EnrichedLogEvent> & { service: string; timestampMs: number; level?: LogLevel }): EnrichedLogEvent {
  sequence += 1;
  return {
    eventId: `e${sequence}`,
    timestampSource: 'LINE',
    observedTimestampMs: overrides.timestampMs,
    ingestTimestampMs: overrides.timestampMs + 5,
    host: 'host-1',
    level: 'INFO',
    levelText: null,
    message: `line ${sequence}`,
    line: `line ${sequence}`,
    truncated: false,
    format: 'plain',
    patternId: 'p1',
    pattern: 'line <*>',
    traceId: null,
    spanId: null,
    latencyMs: null,
    agentId: 'agent-1',
    sourceKind: 'FILE',
    sourceId: 'src-1',
    sourcePath: null,
    streamId: null,
    sourceOffset: null,
    fields: {},
    labels: {},
    ...overrides,
  };
}

/** Restarts the eventId sequence (each test starts at e1). */
export function resetEventIds(): void {
  sequence = 0;
}

/** A ServiceWindow of `service` starting at `startMs` (10 s unless `windowSizeMs` is given), empty unless overridden. */
export function serviceWindow(service: string, startMs: number, overrides: Partial<ServiceWindow> = {}): ServiceWindow {
  const windowSizeMs = overrides.windowSizeMs ?? 10_000;
  const count = overrides.count ?? 100;
  const errorCount = overrides.errorCount ?? 0;
  return {
    service,
    windowSizeMs,
    windowStartMs: startMs,
    windowEndMs: startMs + windowSizeMs,
    count,
    errorCount,
    countsByLevel: { INFO: count - errorCount, ...(errorCount > 0 ? { ERROR: errorCount } : {}) },
    latency: null,
    lastIngestMs: startMs + windowSizeMs - 1,
    samples: { errors: [], slowest: [], first: [] },
    ...overrides,
  };
}

/** A rule with the given kind's params and defaults (window 10 s, resolve after 1 window); `overrides` win. */
export function alertRule(overrides: Partial<AlertRule> & Pick<AlertRule, 'id' | 'kind'>): AlertRule {
  return {
    name: `rule ${overrides.id}`,
    description: null,
    enabled: true,
    severity: 'WARNING',
    service: null,
    windowSizeMs: 10_000,
    resolveAfterWindows: 1,
    errorSpike: overrides.kind === 'ERROR_SPIKE' ? { zScoreThreshold: 4, minCount: 10, fireAfterWindows: 1, ewmaAlpha: 0.1, warmupWindows: 5 } : null,
    latencyAnomaly: overrides.kind === 'LATENCY_ANOMALY' ? { quantile: 'P95', ratioThreshold: 3, floorMs: 100, fireAfterWindows: 1, ewmaAlpha: 0.1, warmupWindows: 5 } : null,
    threshold: overrides.kind === 'THRESHOLD' ? { metric: 'ERROR_RATIO', comparison: 'ABOVE', value: 0.5, fireAfterWindows: 1 } : null,
    absence: overrides.kind === 'ABSENCE' ? { absentForMs: 60_000 } : null,
    labels: { team: 'core' },
    updatedAtMs: 1,
    ...overrides,
  };
}

/** A deterministic PRNG (mulberry32) for noise in tests: same seed, same series. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
