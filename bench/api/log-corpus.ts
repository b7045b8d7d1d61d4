/**
 * The bench's stored logs, made the way production makes them: the demo generator's loghub-like
 * lines (seven services, their hosts, levels and formats) read by the agent's own parser into a
 * raw event (agent/raw-event.ts, ids from agent/tail/event-id.ts), then the pipeline's enrich step.
 * Deterministic: the same options give the same events, so a loaded index can be reused.
 */
import { buildRawEvent } from '../../agent/raw-event.js';
import { createParser, type LineParser } from '../../agent/parsers/index.js';
import { eventId } from '../../agent/tail/event-id.js';
import { createEnricher } from '../../processors/enrich.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { createLogGenerator } from '../generator/generator.js';

/** Where the corpus lies in time: `days` whole UTC days ending at `endMs` (exclusive). */
export interface CorpusPeriod {
  readonly startMs: number;
  readonly endMs: number;
}

/** Last (exclusive) instant of the corpus: fixed, so a rerun finds the same daily indices. */
export const CORPUS_END_MS = Date.UTC(2026, 10, 1);
const DAY_MS = 86_400_000;
const SEED = 20_261_101;
const AGENT_ID = 'bench-agent-1';

/** The period of a corpus of `days` days. */
export function corpusPeriod(days: number): CorpusPeriod {
  return { startMs: CORPUS_END_MS - days * DAY_MS, endMs: CORPUS_END_MS };
}

interface Stream {
  readonly parser: LineParser;
  readonly streamId: string;
  readonly path: string;
  offset: number;
  sequence: number;
}

/**
 * Yields `count` enriched events spread evenly over `period`, in time order. Each (service, host)
 * pair is one file stream with its own auto-detecting parser, as an agent tailing it would have.
 */
export function* generateCorpus(count: number, period: CorpusPeriod): Generator<EnrichedLogEvent> {
  // One incident an hour lasting five minutes: error-rate spikes a dashboard would show.
  const generator = createLogGenerator({ seed: SEED, incidentEveryMs: 3_600_000, incidentDurationMs: 300_000, clock: () => period.startMs });
  const enrich = createEnricher();
  const streams = new Map<string, Stream>();
  const span = period.endMs - period.startMs;
  for (let i = 0; i < count; i += 1) {
    const atMs = period.startMs + Math.floor((i * span) / count);
    const generated = generator.next(atMs);
    const key = `${generated.service}/${generated.host}`;
    let stream = streams.get(key);
    if (stream === undefined) {
      const path = `/var/log/${generated.service}/${generated.host}.log`;
      stream = { parser: createParser({ format: 'auto' }), streamId: `${AGENT_ID}:${path}`, path, offset: 0, sequence: 0 };
      streams.set(key, stream);
    }
    // The agent reads a line a few ms after it was written; the pipeline enriches it shortly after.
    const observedMs = atMs + 3;
    const raw = buildRawEvent(
      {
        eventId: eventId(AGENT_ID, stream.streamId, stream.offset),
        agentId: AGENT_ID,
        sequence: stream.sequence,
        kind: 'file',
        sourceId: generated.service,
        path: stream.path,
        streamId: stream.streamId,
        offset: stream.offset,
        text: generated.line,
        truncated: false,
        observedTimestampMs: observedMs,
        host: generated.host,
        labels: { service: generated.service, env: 'bench' },
      },
      stream.parser.parse(generated.line, { now: observedMs }),
    );
    stream.offset += Buffer.byteLength(generated.line, 'utf8') + 1;
    stream.sequence += 1;
    yield enrich(raw, observedMs + 40);
  }
}
