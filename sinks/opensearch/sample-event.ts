/**
 * A complete, valid EnrichedLogEvent for tests and the bench: numbered, so ids, hosts and
 * timestamps are distinct and predictable, with any field overridable.
 */
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';

/** Midnight UTC of 2026-01-02: sample events fall on that day unless overridden. */
export const SAMPLE_DAY_MS = Date.UTC(2026, 0, 2);

/** Returns event number `i` (eventId `evt-<i>`, one second apart from SAMPLE_DAY_MS), with `overrides` applied. */
export function sampleEvent(i: number, overrides: Partial<EnrichedLogEvent> = {}): EnrichedLogEvent {
  const timestampMs = SAMPLE_DAY_MS + (i % 86_400) * 1000;
  return {
    eventId: `evt-${String(i).padStart(8, '0')}`,
    timestampMs,
    timestampSource: 'LINE',
    observedTimestampMs: timestampMs + 5,
    ingestTimestampMs: timestampMs + 20,
    host: `web-${i % 7}`,
    service: ['api', 'db', 'worker'][i % 3] as string,
    level: i % 10 === 0 ? 'ERROR' : 'INFO',
    levelText: i % 10 === 0 ? 'error' : 'info',
    message: `request ${i} served in ${i % 100}ms`,
    line: `2026-01-02T00:00:00Z INFO request ${i} served in ${i % 100}ms`,
    truncated: false,
    format: 'plain',
    patternId: '0123456789abcdef',
    pattern: 'request <num> served in <num>ms',
    traceId: `trace-${i}`,
    spanId: null,
    latencyMs: i % 100,
    agentId: 'agent-1',
    sourceKind: 'file',
    sourceId: 'app-log',
    sourcePath: '/var/log/app.log',
    streamId: 'stream-1',
    sourceOffset: i * 80,
    fields: { request_id: `r-${i}` },
    labels: { env: 'test' },
    ...overrides,
  };
}
