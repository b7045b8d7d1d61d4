/**
 * validate: the first step of the pipeline. Every decoded RawLogEvent is checked for what the Avro
 * schema cannot say: required ids present, sizes bounded (line, parsed fields, labels), timestamps
 * in a sane range. A failing event goes to the dead-letter topic with the reason in the
 * DLQ_HEADERS of topology/internal/bad-record-handling.ts and is counted; the rest flow on.
 *
 * Records that cannot even be decoded (not Avro, unknown schema id) never reach this step: the
 * runtime's `badRecordHandling: { deadLetterTopic }` sends their original bytes to the same topic.
 *
 * What a dead-lettered event carries: the event itself, re-encoded with the pipeline's RawLogEvent
 * schema (the same bytes as the original when the agent wrote with the current schema), whole, never
 * truncated, so it can be fixed and replayed; the topic must therefore accept records as large as
 * logs.raw does (see the pipeline's notes on max.message.bytes).
 */
import { z } from 'zod';
import type { RawLogEvent } from '../schemas/log-schemas.js';
import type { Headers, KStream, Processor, ProcessorContext, Record as StreamRecord, RecordMetadata, Serde } from '../topology/index.js';
import { DLQ_HEADERS } from '../topology/internal/bad-record-handling.js';

/** Limits validate enforces; every key has a default suited to the agent's own limits. */
export const validateLimitsSchema = z
  .object({
    maxLineBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Longest `line` in UTF-8 bytes; the agent cuts physical lines at 64 KiB, so only multiline events or foreign producers come near it'),
    maxEventBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Most UTF-8 bytes of line, parsedFields and labels together; bounds the enriched record (which copies them) below logs.enriched max.message.bytes'),
    maxIdBytes: z.number().int().min(16).max(4096).default(256).describe('Longest eventId, agentId, host, service and source id, in UTF-8 bytes'),
    maxFields: z.number().int().min(0).max(10_000).default(256).describe('Most entries in parsedFields'),
    maxFieldKeyBytes: z.number().int().min(8).max(4096).default(256).describe('Longest parsedFields or labels key, in UTF-8 bytes'),
    maxFieldValueBytes: z.number().int().min(64).max(16 * 1024 * 1024).default(64 * 1024).describe('Longest parsedFields value, in UTF-8 bytes'),
    maxLabels: z.number().int().min(0).max(1000).default(64).describe('Most entries in labels'),
    maxLabelValueBytes: z.number().int().min(16).max(64 * 1024).default(1024).describe('Longest labels value, in UTF-8 bytes'),
    minTimestampMs: z
      .number()
      .int()
      .min(0)
      .default(Date.UTC(2000, 0, 1))
      .describe("Earliest observed time accepted (default 2000-01-01T00:00:00Z); older means the agent's clock is wrong"),
    maxObservedAheadMs: z
      .number()
      .int()
      .min(0)
      .default(60 * 60 * 1000)
      .describe("How far the agent's observed time may be ahead of the pipeline's clock (agent clock skew); an agent further ahead would push stream time and close windows early"),
  })
  .strict()
  .describe('Sanity limits of the validate step');

/** The limits of validate, defaults filled in. */
export type ValidateLimits = z.output<typeof validateLimitsSchema>;

/** Short, fixed reason codes: the `reason` label of the dead-letter metric and the start of the reason header. */
export const VALIDATION_REASONS = [
  'null-value',
  'missing-id',
  'id-too-long',
  'id-control-characters',
  'invalid-number',
  'line-too-long',
  'event-too-large',
  'too-many-fields',
  'field-too-long',
  'too-many-labels',
  'label-too-long',
  'observed-time-out-of-range',
  'event-time-out-of-range',
] as const;

/** A reason code of validate. */
export type ValidationReason = (typeof VALIDATION_REASONS)[number];

/** Why an event failed: a reason code and one sentence naming the field and the limit. */
export interface ValidationFailure {
  readonly reason: ValidationReason;
  readonly detail: string;
}

/** 9999-12-31T23:59:59.999Z: the last instant ISO 8601 (and OpenSearch's date type) can write. */
const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// C0 controls and DEL: PostgreSQL text refuses NUL outright, and the others in ids only break tools.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Returns the first problem of `event` against `limits`, `nowMs` being the pipeline's clock, or
 * null when the event may go on. Checks run cheapest first, so a hostile event costs little.
 */
export function validateRawEvent(event: RawLogEvent | null, nowMs: number, limits: ValidateLimits): ValidationFailure | null {
  if (event === null) return { reason: 'null-value', detail: 'the record has no value (a tombstone on logs.raw means nothing)' };
  const ids: readonly [string, string][] = [
    ['eventId', event.eventId],
    ['agentId', event.agentId],
    ['host', event.host],
    ['service', event.service],
    ['source.id', event.source.id],
  ];
  for (const [name, value] of ids) {
    if (value.trim() === '') return { reason: 'missing-id', detail: `${name} is empty` };
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > limits.maxIdBytes) return { reason: 'id-too-long', detail: `${name} is ${bytes} bytes, limit ${limits.maxIdBytes}` };
    if (CONTROL_CHARACTERS.test(value)) return { reason: 'id-control-characters', detail: `${name} contains control characters` };
  }
  if (!Number.isSafeInteger(event.sequence) || event.sequence < 0) return { reason: 'invalid-number', detail: `sequence ${event.sequence} is not a non-negative integer` };
  const offset = event.source.offset;
  if (offset !== null && (!Number.isSafeInteger(offset) || offset < 0)) return { reason: 'invalid-number', detail: `source.offset ${offset} is not a non-negative integer` };

  // UTF-8 length is at most 3 bytes per UTF-16 unit: skip the byte count when the line is clearly short.
  if (event.line.length * 3 > limits.maxLineBytes) {
    const bytes = Buffer.byteLength(event.line, 'utf8');
    if (bytes > limits.maxLineBytes) return { reason: 'line-too-long', detail: `line is ${bytes} bytes, limit ${limits.maxLineBytes}` };
  }

  const fieldProblem = checkMap('parsedFields', event.parsedFields, limits.maxFields, limits.maxFieldKeyBytes, limits.maxFieldValueBytes, 'too-many-fields', 'field-too-long');
  if (fieldProblem) return fieldProblem;
  const labelProblem = checkMap('labels', event.labels, limits.maxLabels, limits.maxFieldKeyBytes, limits.maxLabelValueBytes, 'too-many-labels', 'label-too-long');
  if (labelProblem) return labelProblem;

  // Only counted when the cheap upper bound could exceed the limit: most events are far below it.
  if (roughSize(event) * 3 > limits.maxEventBytes) {
    const bytes = eventBytes(event);
    if (bytes > limits.maxEventBytes) return { reason: 'event-too-large', detail: `line, parsedFields and labels are ${bytes} bytes together, limit ${limits.maxEventBytes}` };
  }

  const observed = event.observedTimestampMs;
  const latestObserved = nowMs + limits.maxObservedAheadMs;
  if (!Number.isSafeInteger(observed) || observed < limits.minTimestampMs || observed > latestObserved) {
    return { reason: 'observed-time-out-of-range', detail: `observedTimestampMs ${describeTime(observed)} is outside [${describeTime(limits.minTimestampMs)}, ${describeTime(latestObserved)}] (pipeline clock + ${limits.maxObservedAheadMs} ms)` };
  }
  // Only representable times are required here: a line time that is merely implausible (ahead of
  // the observed time, a wrong year) is enrich's to replace with the observed time, keeping the line.
  const eventTime = event.eventTimestampMs;
  if (eventTime !== null && (!Number.isSafeInteger(eventTime) || eventTime < 0 || eventTime > MAX_TIMESTAMP_MS)) {
    return { reason: 'event-time-out-of-range', detail: `eventTimestampMs ${describeTime(eventTime)} is outside [0, ${describeTime(MAX_TIMESTAMP_MS)}]` };
  }
  return null;
}

function roughSize(event: RawLogEvent): number {
  let units = event.line.length;
  for (const map of [event.parsedFields, event.labels]) for (const key of Object.keys(map)) units += key.length + (map[key] ?? '').length;
  return units;
}

function eventBytes(event: RawLogEvent): number {
  let bytes = Buffer.byteLength(event.line, 'utf8');
  for (const map of [event.parsedFields, event.labels]) {
    for (const key of Object.keys(map)) bytes += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(map[key] ?? '', 'utf8');
  }
  return bytes;
}

function checkMap(
  name: string,
  map: Readonly<Record<string, string>>,
  maxEntries: number,
  maxKeyBytes: number,
  maxValueBytes: number,
  countReason: ValidationReason,
  sizeReason: ValidationReason,
): ValidationFailure | null {
  const keys = Object.keys(map);
  if (keys.length > maxEntries) return { reason: countReason, detail: `${name} has ${keys.length} entries, limit ${maxEntries}` };
  for (const key of keys) {
    const keyBytes = Buffer.byteLength(key, 'utf8');
    if (keyBytes > maxKeyBytes) return { reason: sizeReason, detail: `${name} key ${JSON.stringify(key.slice(0, 40))}… is ${keyBytes} bytes, limit ${maxKeyBytes}` };
    const value = map[key] ?? '';
    if (value.length * 3 > maxValueBytes) {
      const valueBytes = Buffer.byteLength(value, 'utf8');
      if (valueBytes > maxValueBytes) return { reason: sizeReason, detail: `${name}.${key} is ${valueBytes} bytes, limit ${maxValueBytes}` };
    }
  }
  return null;
}

function describeTime(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : `${ms} (${date.toISOString()})`;
}

/**
 * The headers of a record the pipeline dead-letters itself: the record's own headers plus the
 * DLQ_HEADERS the runtime writes for undecodable records, so both kinds read the same.
 */
export function deadLetterHeaders(record: StreamRecord<unknown, unknown>, origin: RecordMetadata | null, reason: string, processor: string): Headers {
  return {
    ...record.headers,
    [DLQ_HEADERS.reason]: reason,
    [DLQ_HEADERS.sourceTopic]: origin?.topic ?? '',
    [DLQ_HEADERS.sourcePartition]: String(origin?.partition ?? -1),
    [DLQ_HEADERS.sourceOffset]: origin?.offset ?? '-1',
    [DLQ_HEADERS.processor]: processor,
    [DLQ_HEADERS.timestamp]: String(record.timestamp),
  };
}

/** Options of addValidate. */
export interface ValidateOptions {
  readonly limits: ValidateLimits;
  /** Topic failing events are written to (logs.dlq). */
  readonly deadLetterTopic: string;
  /** Key serde of the dead-letter records (the raw key, host/service). */
  readonly keySerde: Serde<string>;
  /** Value serde of the dead-letter records: the RawLogEvent Avro serde under `<raw topic>-value`. */
  readonly valueSerde: Serde<RawLogEvent>;
  /** Called once per dead-lettered event with its reason code (the metric). */
  readonly onDeadLetter?: (reason: ValidationReason) => void;
  /** Node name prefix; default `validate`. */
  readonly name?: string;
}

interface Checked {
  readonly event: RawLogEvent | null;
  readonly valid: boolean;
}

/** The processor: checks each event against the wall clock of its task and marks failures with DLQ headers. */
class ValidateProcessor implements Processor<string, RawLogEvent, string, Checked> {
  private context!: ProcessorContext<string, Checked>;

  constructor(private readonly options: ValidateOptions, private readonly nodeName: string) {}

  init(context: ProcessorContext<string, Checked>): void {
    this.context = context;
  }

  process(record: StreamRecord<string, RawLogEvent>): void {
    const failure = validateRawEvent(record.value, this.context.currentSystemTimeMs(), this.options.limits);
    if (failure === null) {
      this.context.forward({ ...record, value: { event: record.value, valid: true } });
      return;
    }
    const headers = deadLetterHeaders(record, this.context.recordMetadata(), `${failure.reason}: ${failure.detail}`, this.nodeName);
    this.options.onDeadLetter?.(failure.reason);
    this.context.forward({ ...record, headers, value: { event: record.value, valid: false } });
  }
}

/**
 * Adds validate to `raw`: failing events are written to `deadLetterTopic` with the reason in
 * headers; returns the stream of valid events (same keys, values and timestamps).
 */
export function addValidate(raw: KStream<string, RawLogEvent>, options: ValidateOptions): KStream<string, RawLogEvent> {
  const name = options.name ?? 'validate';
  const branches = raw
    .process<string, Checked>(() => new ValidateProcessor(options, name), { name })
    .split(`${name}-split`)
    .branch((_key, checked) => checked.valid, { name: 'valid' })
    .defaultBranch({ name: 'invalid' });
  branches.invalid
    .mapValues((checked) => checked.event as RawLogEvent, `${name}-dead-letter-value`)
    .to(options.deadLetterTopic, { keySerde: options.keySerde, valueSerde: options.valueSerde, name: `${name}-dead-letters` });
  return branches.valid.mapValues((checked) => checked.event as RawLogEvent, `${name}-valid-value`);
}
