import { expect } from 'chai';
import { parseJson } from './json.js';

const ctx = { now: Date.UTC(2026, 11, 1) };

describe('parseJson', () => {
  it('reads a pino line (numeric level, epoch ms)', () => {
    const p = parseJson('{"level":50,"time":1764584574123,"pid":7,"hostname":"web-1","msg":"boom","reqId":"r1","responseTime":12}', ctx);
    expect(p).to.deep.include({ level: 'ERROR', levelText: '50', timestampMs: 1764584574123, message: 'boom', host: 'web-1', format: 'json' });
    expect(p?.fields).to.deep.equal({ pid: 7, reqId: 'r1', responseTime: 12 });
    expect(p?.latencyMs).to.equal(12);
  });

  it('flattens nested objects (ECS) and promotes dotted keys', () => {
    const p = parseJson('{"@timestamp":"2026-12-01T10:22:54.123Z","log":{"level":"warn"},"message":"slow","trace":{"id":"abc"},"span":{"id":"def"},"service":{"name":"api"},"http":{"response":{"status_code":503}},"event":{"duration":2000000}}', ctx);
    expect(p).to.deep.include({ level: 'WARN', message: 'slow', traceId: 'abc', spanId: 'def', service: 'api', timestampMs: Date.parse('2026-12-01T10:22:54.123Z') });
    expect(p?.fields['http.response.status_code']).to.equal(503);
    expect(p?.latencyMs).to.equal(2);
  });

  it('reads Docker json-file lines and drops the trailing newline', () => {
    const p = parseJson('{"log":"hello\\n","stream":"stderr","time":"2026-12-01T10:22:54.123456789Z"}', ctx);
    expect(p).to.deep.include({ message: 'hello', timestampMs: Date.parse('2026-12-01T10:22:54.123Z') });
    expect(p?.fields.stream).to.equal('stderr');
  });

  it('keeps arrays and nulls as JSON text and reads latency units', () => {
    const p = parseJson('{"msg":"x","tags":["a","b"],"err":null,"duration":"1.5s","trace_id":"t"}', ctx);
    expect(p?.fields.tags).to.equal('["a","b"]');
    expect(p?.fields.err).to.equal('null');
    expect(p?.latencyMs).to.equal(1500);
    expect(p?.traceId).to.equal('t');
  });

  it('uses the whole line as message when no message key exists', () => {
    expect(parseJson('{"a":1}', ctx)?.message).to.equal('{"a":1}');
  });

  it('answers "not this format" for non-objects and broken JSON', () => {
    for (const line of ['[1,2]', '{"a":', 'plain text', '{not json}', '"x"', '']) expect(parseJson(line, ctx), line).to.equal(undefined);
  });

  it('caps the number of fields', () => {
    const obj: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) obj[`k${i}`] = i;
    const p = parseJson(JSON.stringify(obj), ctx);
    expect(Object.keys(p?.fields ?? {}).length).to.be.at.most(258);
    expect(p?.fields._truncated_fields).to.equal(true);
  });

  it('keeps a `__proto__` key as plain data without touching any prototype', () => {
    const p = parseJson('{"msg":"x","__proto__":{"polluted":"yes","n":1},"constructor":"c","a":{"__proto__":"inner"}}', ctx);
    expect(Object.keys(p?.fields ?? {})).to.deep.equal(['__proto__.polluted', '__proto__.n', 'constructor', 'a.__proto__']);
    expect(p?.fields['__proto__.polluted']).to.equal('yes');
    expect(p?.fields['a.__proto__']).to.equal('inner');
    expect(Object.getPrototypeOf(p?.fields)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('keeps a flat `__proto__` field and does not promote inherited members', () => {
    const p = parseJson('{"__proto__":"flat","toString":"t","msg":"m"}', ctx);
    expect(Object.getOwnPropertyDescriptor(p?.fields, '__proto__')?.value).to.equal('flat');
    expect(Object.getPrototypeOf(p?.fields)).to.equal(Object.prototype);
    expect(p?.fields['toString']).to.equal('t');
  });
});
