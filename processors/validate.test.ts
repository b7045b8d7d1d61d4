import { expect } from 'chai';
import type { RawLogEvent } from '../schemas/log-schemas.js';
import { Serdes, StreamsBuilder, TopologyTestDriver } from '../topology/index.js';
import { DLQ_HEADERS } from '../topology/internal/bad-record-handling.js';
import { addValidate, validateLimitsSchema, validateRawEvent, type ValidationReason } from './validate.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const limits = validateLimitsSchema.parse({});

function rawEvent(overrides: Partial<RawLogEvent> = {}): RawLogEvent {
  return {
    eventId: 'ev-1',
    agentId: 'agent-1',
    sequence: 7,
    source: { kind: 'file', id: 'app', path: '/var/log/app.log', streamId: 's-1', offset: 120 },
    host: 'web-1',
    service: 'checkout',
    line: '2026-01-15T11:59:59Z ERROR payment failed',
    truncated: false,
    observedTimestampMs: NOW - 1000,
    eventTimestampMs: NOW - 1001,
    level: 'ERROR',
    parsedFields: { format: 'plain', message: 'payment failed' },
    labels: { service: 'checkout' },
    ...overrides,
  };
}

function reasonOf(event: RawLogEvent | null): ValidationReason | undefined {
  return validateRawEvent(event, NOW, limits)?.reason;
}

describe('validateRawEvent', () => {
  it('accepts a well-formed event, including one without an event time', () => {
    expect(validateRawEvent(rawEvent(), NOW, limits)).to.equal(null);
    expect(validateRawEvent(rawEvent({ eventTimestampMs: null }), NOW, limits)).to.equal(null);
  });

  it('refuses a tombstone', () => {
    expect(reasonOf(null)).to.equal('null-value');
  });

  it('refuses empty, blank, oversized and control-character ids, naming the field', () => {
    expect(validateRawEvent(rawEvent({ eventId: '' }), NOW, limits)).to.deep.equal({ reason: 'missing-id', detail: 'eventId is empty' });
    expect(validateRawEvent(rawEvent({ service: '   ' }), NOW, limits)).to.deep.equal({ reason: 'missing-id', detail: 'service is empty' });
    expect(validateRawEvent(rawEvent({ host: 'h'.repeat(257) }), NOW, limits)).to.deep.equal({ reason: 'id-too-long', detail: 'host is 257 bytes, limit 256' });
    // Multi-byte characters count in bytes, not UTF-16 units: 100 × 3 bytes.
    expect(validateRawEvent(rawEvent({ agentId: '€'.repeat(100) }), NOW, limits)).to.deep.equal({ reason: 'id-too-long', detail: 'agentId is 300 bytes, limit 256' });
    expect(validateRawEvent(rawEvent({ service: 'check\u0000out' }), NOW, limits)).to.deep.equal({ reason: 'id-control-characters', detail: 'service contains control characters' });
    expect(reasonOf(rawEvent({ source: { kind: 'stdin', id: '', path: null, streamId: null, offset: null } }))).to.equal('missing-id');
  });

  it('refuses negative or unsafe sequence and offset numbers', () => {
    expect(validateRawEvent(rawEvent({ sequence: -1 }), NOW, limits)).to.deep.equal({ reason: 'invalid-number', detail: 'sequence -1 is not a non-negative integer' });
    expect(reasonOf(rawEvent({ source: { kind: 'file', id: 'a', path: null, streamId: null, offset: -5 } }))).to.equal('invalid-number');
  });

  it('refuses a line over the byte limit and accepts one exactly at it', () => {
    expect(validateRawEvent(rawEvent({ line: 'x'.repeat(limits.maxLineBytes), parsedFields: {}, labels: {} }), NOW, limits)).to.equal(null);
    expect(validateRawEvent(rawEvent({ line: 'x'.repeat(limits.maxLineBytes + 1) }), NOW, limits)).to.deep.equal({
      reason: 'line-too-long',
      detail: `line is ${limits.maxLineBytes + 1} bytes, limit ${limits.maxLineBytes}`,
    });
    // 5 MB: the size the integration test pushes through Kafka.
    expect(validateRawEvent(rawEvent({ line: 'y'.repeat(5 * 1024 * 1024) }), NOW, limits)?.detail).to.equal(`line is 5242880 bytes, limit ${limits.maxLineBytes}`);
  });

  it('bounds line, fields and labels together, so the enriched copy stays bounded', () => {
    const half = 'h'.repeat(limits.maxEventBytes / 2);
    // Each part within its own limit, together one byte over.
    const limitsWide = validateLimitsSchema.parse({ maxFieldValueBytes: limits.maxEventBytes });
    const event = rawEvent({ line: half, parsedFields: { m: half }, labels: {} });
    expect(validateRawEvent(event, NOW, limitsWide)).to.deep.equal({ reason: 'event-too-large', detail: `line, parsedFields and labels are ${limits.maxEventBytes + 1} bytes together, limit ${limits.maxEventBytes}` });
    expect(validateRawEvent({ ...event, parsedFields: { m: half.slice(1) } }, NOW, limitsWide)).to.equal(null);
  });

  it('bounds parsed fields and labels: count, key and value sizes', () => {
    const manyFields = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`f${i}`, 'v']));
    expect(validateRawEvent(rawEvent({ parsedFields: manyFields }), NOW, limits)).to.deep.equal({ reason: 'too-many-fields', detail: 'parsedFields has 257 entries, limit 256' });
    expect(validateRawEvent(rawEvent({ parsedFields: { big: 'v'.repeat(65_537) } }), NOW, limits)).to.deep.equal({ reason: 'field-too-long', detail: 'parsedFields.big is 65537 bytes, limit 65536' });
    expect(reasonOf(rawEvent({ parsedFields: { ['k'.repeat(257)]: 'v' } }))).to.equal('field-too-long');
    const manyLabels = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`l${i}`, 'v']));
    expect(reasonOf(rawEvent({ labels: manyLabels }))).to.equal('too-many-labels');
    expect(validateRawEvent(rawEvent({ labels: { team: 't'.repeat(1025) } }), NOW, limits)).to.deep.equal({ reason: 'label-too-long', detail: 'labels.team is 1025 bytes, limit 1024' });
  });

  it('bounds the observed time by the pipeline clock and the event time to representable instants', () => {
    expect(reasonOf(rawEvent({ observedTimestampMs: NOW + limits.maxObservedAheadMs }))).to.equal(undefined);
    expect(reasonOf(rawEvent({ observedTimestampMs: NOW + limits.maxObservedAheadMs + 1, eventTimestampMs: null }))).to.equal('observed-time-out-of-range');
    expect(reasonOf(rawEvent({ observedTimestampMs: Date.UTC(1999, 11, 31), eventTimestampMs: null }))).to.equal('observed-time-out-of-range');
    expect(reasonOf(rawEvent({ observedTimestampMs: Number.NaN }))).to.equal('observed-time-out-of-range');
    // An archive line years old, or a line time ahead of its observed time, is enrich's to judge (it falls back to the observed time).
    expect(reasonOf(rawEvent({ eventTimestampMs: Date.UTC(2015, 6, 1) }))).to.equal(undefined);
    expect(reasonOf(rawEvent({ eventTimestampMs: NOW + 7 * 86_400_000 }))).to.equal(undefined);
    expect(validateRawEvent(rawEvent({ eventTimestampMs: -1 }), NOW, limits)).to.deep.equal({ reason: 'event-time-out-of-range', detail: 'eventTimestampMs -1 (1969-12-31T23:59:59.999Z) is outside [0, 253402300799999 (9999-12-31T23:59:59.999Z)]' });
    expect(reasonOf(rawEvent({ eventTimestampMs: Date.UTC(10000, 0, 1) }))).to.equal('event-time-out-of-range');
    expect(reasonOf(rawEvent({ eventTimestampMs: 1.5 }))).to.equal('event-time-out-of-range');
  });

  it('refuses unknown limit keys (strict config)', () => {
    expect(validateLimitsSchema.safeParse({ maxLineByte: 10 }).success).to.equal(false);
  });
});

describe('addValidate (test driver)', () => {
  // Small enough for the JSON serde of the test (1 MiB cap); the real pipeline uses Avro.
  const small = validateLimitsSchema.parse({ maxLineBytes: 2048 });

  function drive(): { driver: TopologyTestDriver; dead: string[] } {
    const dead: string[] = [];
    const builder = new StreamsBuilder();
    const raw = builder.stream('raw', { keySerde: Serdes.String(), valueSerde: Serdes.Json<RawLogEvent>() });
    addValidate(raw, {
      limits: small,
      deadLetterTopic: 'dlq',
      keySerde: Serdes.String(),
      valueSerde: Serdes.Json<RawLogEvent>(),
      onDeadLetter: (reason) => dead.push(reason),
    }).to('valid', { keySerde: Serdes.String(), valueSerde: Serdes.Json<RawLogEvent>() });
    return { driver: new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: NOW }), dead };
  }

  it('passes valid events unchanged and dead-letters the others with reason, origin and original headers', () => {
    const { driver, dead } = drive();
    const input = driver.createInputTopic('raw', Serdes.String(), Serdes.Json<RawLogEvent>());
    const good = rawEvent();
    const bad = rawEvent({ eventId: 'ev-2', line: 'z'.repeat(small.maxLineBytes + 10) });
    input.pipeInput('web-1/checkout', good, NOW - 5, { traceparent: 'abc' });
    input.pipeInput('web-1/checkout', bad, NOW - 4, { traceparent: 'def' });
    input.pipeInput('web-1/checkout', null, NOW - 3);
    input.pipeInput('web-1/checkout', rawEvent({ eventId: 'ev-3' }), NOW - 2);

    const valid = driver.createOutputTopic('valid', Serdes.String(), Serdes.Json<RawLogEvent>()).readRecordsToList();
    expect(valid.map((r) => [r.key, r.value?.eventId, r.timestamp])).to.deep.equal([
      ['web-1/checkout', 'ev-1', NOW - 5],
      ['web-1/checkout', 'ev-3', NOW - 2],
    ]);
    expect(valid[0]?.value).to.deep.equal(good);

    const dlq = driver.createOutputTopic('dlq', Serdes.String(), Serdes.Json<RawLogEvent>()).readRecordsToList();
    expect(dlq).to.have.length(2);
    expect(dlq[0]?.value).to.deep.equal(bad); // whole, not truncated
    expect(dlq[0]?.headers).to.deep.equal({
      traceparent: Buffer.from('def'),
      [DLQ_HEADERS.reason]: 'line-too-long: line is 2058 bytes, limit 2048',
      [DLQ_HEADERS.sourceTopic]: 'raw',
      [DLQ_HEADERS.sourcePartition]: '0',
      [DLQ_HEADERS.sourceOffset]: '1',
      [DLQ_HEADERS.processor]: 'validate',
      [DLQ_HEADERS.timestamp]: String(NOW - 4),
    });
    expect(dlq[1]?.value).to.equal(null);
    expect(dlq[1]?.headers[DLQ_HEADERS.reason]).to.match(/^null-value: /);
    expect(dlq[1]?.headers[DLQ_HEADERS.sourceOffset]).to.equal('2');
    expect(dead).to.deep.equal(['line-too-long', 'null-value']);
    driver.close();
  });

  it('judges the observed time against the task wall clock, which moves', () => {
    const { driver, dead } = drive();
    const input = driver.createInputTopic('raw', Serdes.String(), Serdes.Json<RawLogEvent>());
    const ahead = rawEvent({ observedTimestampMs: NOW + limits.maxObservedAheadMs + 60_000, eventTimestampMs: null });
    input.pipeInput('k', ahead, NOW);
    driver.advanceWallClockTime(120_000);
    input.pipeInput('k', ahead, NOW);
    expect(dead).to.deep.equal(['observed-time-out-of-range']);
    expect(driver.createOutputTopic('valid', Serdes.String(), Serdes.Json<RawLogEvent>()).readRecordsToList()).to.have.length(1);
    driver.close();
  });
});
