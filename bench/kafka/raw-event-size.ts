/**
 * The average size of a logs.raw record as the agent produces it: generated demo lines (the agent
 * bench's input generator), parsed by the agent's default parser, built into a RawLogEvent and
 * Avro-encoded with the 5-byte schema-registry header. producer-perf-test sends records of this
 * size, so Kafka's raw limit is measured in the same bytes per record as the agent's.
 */
import avro from 'avsc';
import { createParser } from '../../agent/parsers/index.js';
import { buildRawEvent, rawLogEventSchemaText } from '../../agent/raw-event.js';
import { eventId } from '../../agent/tail/event-id.js';
import { createLogGenerator } from '../generator/generator.js';

/** Magic byte plus the 4-byte schema id the registry serde puts before every Avro value. */
const REGISTRY_HEADER_BYTES = 5;
/** Same fixed clock as bench/agent/make-input.ts, so the sample is the agent bench's lines. */
const BASE_TS = Date.UTC(2026, 0, 1);

/** Average encoded size, plus the average line length it came from. */
export interface RawEventSize {
  readonly sample_lines: number;
  readonly avg_line_bytes: number;
  readonly avg_avro_record_bytes: number;
}

/** Encodes `sampleLines` generated lines (seed `seed`) as the agent would and returns the average sizes, rounded to whole bytes. */
export function measureRawEventSize(sampleLines = 20_000, seed = 1): RawEventSize {
  if (!Number.isInteger(sampleLines) || sampleLines <= 0) throw new Error(`sampleLines must be a positive integer, got ${sampleLines}`);
  const type = avro.Type.forSchema(JSON.parse(rawLogEventSchemaText()) as avro.Schema);
  const generator = createLogGenerator({ seed, clock: () => BASE_TS });
  const parser = createParser();
  const path = '/var/log/bench/input.log';
  let lineBytes = 0;
  let recordBytes = 0;
  let offset = 0;
  for (let i = 0; i < sampleLines; i++) {
    const now = BASE_TS + i;
    const line = generator.next(now).line;
    const event = buildRawEvent(
      {
        eventId: eventId('bench-agent', 'dev:123456', offset),
        agentId: 'bench-agent',
        sequence: i,
        kind: 'file',
        sourceId: 'bench',
        path,
        streamId: 'dev:123456',
        offset,
        text: line,
        truncated: false,
        observedTimestampMs: now,
        host: 'bench-host',
        labels: {},
      },
      parser.parse(line, { now }),
    );
    const bytes = Buffer.byteLength(line);
    offset += bytes + 1;
    lineBytes += bytes;
    recordBytes += REGISTRY_HEADER_BYTES + type.toBuffer(event).length;
  }
  return { sample_lines: sampleLines, avg_line_bytes: Math.round(lineBytes / sampleLines), avg_avro_record_bytes: Math.round(recordBytes / sampleLines) };
}
