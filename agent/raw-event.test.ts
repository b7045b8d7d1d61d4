import { expect } from 'chai';
import avsc from 'avsc';
import { createParser } from './parsers/index.js';
import { buildRawEvent, rawEventKey, rawLogEventSchemaText } from './raw-event.js';

describe('raw event', () => {
  const schema = avsc.Type.forSchema(JSON.parse(rawLogEventSchemaText()) as avsc.Schema);
  const input = {
    eventId: '3f2a9c1e-77b0-8d41-9a6e-0c55e3b1f2d4',
    agentId: 'a1',
    sequence: 7,
    kind: 'file' as const,
    sourceId: 'app',
    path: '/var/log/app.log',
    streamId: 's1',
    offset: 120,
    text: '{"ts":"2026-12-01T10:00:00.5Z","level":"error","msg":"boom","status":500,"trace_id":"abc"}',
    truncated: false,
    observedTimestampMs: 1_764_583_200_900,
    host: 'agent-host',
    labels: { service: 'checkout', env: 'prod' },
  };

  it('builds a record the Avro schema accepts, with the parse in it', () => {
    const event = buildRawEvent(input, createParser({ format: 'json' }).parse(input.text));
    expect(schema.isValid(event)).to.equal(true);
    expect(event).to.include({ eventId: input.eventId, host: 'agent-host', service: 'checkout', level: 'ERROR', eventTimestampMs: Date.parse("2026-12-01T10:00:00.5Z"), line: input.text });
    expect(event.source).to.deep.equal({ kind: 'file', id: 'app', path: '/var/log/app.log', streamId: 's1', offset: 120 });
    expect(event.parsedFields['format']).to.equal('json');
    expect(event.labels).to.deep.equal({ service: 'checkout', env: 'prod' });
    expect(rawEventKey(event)).to.equal('agent-host/checkout');
    const decoded = schema.fromBuffer(schema.toBuffer(event)) as typeof event;
    expect(decoded.eventId).to.equal(input.eventId);
  });

  it('falls back to the line service, then unknown, and leaves absent parse results null', () => {
    const event = buildRawEvent({ ...input, labels: {}, text: 'plain text' }, createParser({ format: 'plain' }).parse('plain text'));
    expect(event).to.include({ service: 'unknown', level: null, eventTimestampMs: null });
    expect(schema.isValid(event)).to.equal(true);
  });

  it('documents every field of the schema', () => {
    const raw = JSON.parse(rawLogEventSchemaText()) as { namespace: string; name: string; fields: Array<{ name: string; doc?: string }> };
    expect(`${raw.namespace}.${raw.name}`).to.equal('io.sawmill.logs.RawLogEvent');
    for (const field of raw.fields) expect(field.doc, field.name).to.be.a('string').and.not.equal('');
  });

  it('keeps a parsed `__proto__` field in parsedFields, and the Avro record carries it', () => {
    const text = '{"msg":"m","__proto__":"kept"}';
    const event = buildRawEvent({ ...input, text }, createParser({ format: 'json' }).parse(text));
    expect(Object.getOwnPropertyDescriptor(event.parsedFields, '__proto__')?.value).to.equal('kept');
    expect(Object.getPrototypeOf(event.parsedFields)).to.equal(Object.prototype);
    expect(schema.isValid(event)).to.equal(true);
    expect(schema.toBuffer(event).includes(Buffer.from('__proto__'))).to.equal(true);
  });
});
