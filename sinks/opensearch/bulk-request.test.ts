import { expect } from 'chai';
import { ServiceUnavailableError } from '../../lib/errors.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import type { SinkRecord } from '../runner/sink-writer.js';
import { buildBulkRequest, classifyItem, readBulkResponse, splitBulkRequest } from './bulk-request.js';
import { sampleEvent } from './sample-event.js';

const OPTIONS = { indexPrefix: 'it-logs', maxIndexedFieldBytes: 8192 };

function record(value: EnrichedLogEvent, offset = 0): SinkRecord<EnrichedLogEvent> {
  return { topic: 'logs.enriched', partition: 0, offset: String(offset), key: null, value, timestampMs: 0 };
}

describe('sinks/opensearch bulk-request', () => {
  it('makes one create per record with _id = eventId in the daily index of its timestamp', () => {
    const a = sampleEvent(1);
    const b = sampleEvent(2, { timestampMs: Date.UTC(2026, 4, 17, 12) });
    const request = buildBulkRequest([record(a), record(b)], OPTIONS);
    expect(request.lines).to.have.length(4);
    expect(JSON.parse(request.lines[0] as string)).to.deep.equal({ create: { _index: 'it-logs-2026.01.02', _id: a.eventId } });
    expect(JSON.parse(request.lines[2] as string)).to.deep.equal({ create: { _index: 'it-logs-2026.05.17', _id: b.eventId } });
    expect(JSON.parse(request.lines[3] as string)).to.include({ eventId: b.eventId, '@timestamp': '2026-05-17T12:00:00.000Z' });
    expect(request.slots).to.deep.equal([0, 1]);
    expect(request.bytes).to.equal(request.lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0));
  });

  it('rejects an unstorable record at once and still sends the others', () => {
    const records = [record(sampleEvent(1)), record(sampleEvent(2, { timestampMs: -5 })), record(null as unknown as EnrichedLogEvent), record(sampleEvent(3))];
    const request = buildBulkRequest(records, OPTIONS);
    expect(request.slots).to.deep.equal([0, 3]);
    expect(request.results[1]).to.deep.equal({ status: 'rejected', reason: 'not a storable document: timestampMs out of range: -5' });
    expect(request.results[2]).to.deep.equal({ status: 'rejected', reason: 'not a storable document: record value is not an EnrichedLogEvent object' });
    const results = readBulkResponse(request, { errors: false, items: [{ create: { status: 201 } }, { create: { status: 201 } }] });
    expect(results.map((r) => r.status)).to.deep.equal(['stored', 'rejected', 'rejected', 'stored']);
  });

  it('maps every item of the answer back to its record', () => {
    const records = [1, 2, 3, 4, 5, 6].map((i) => record(sampleEvent(i)));
    const request = buildBulkRequest(records, OPTIONS);
    const results = readBulkResponse(request, {
      errors: true,
      items: [
        { create: { status: 201 } },
        { create: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'document already exists' } } },
        { create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } },
        { create: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [latencyMs]', caused_by: { type: 'number_format_exception', reason: 'For input string: "x"' } } } },
        { create: { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } } },
        { create: { status: 403, error: { type: 'cluster_block_exception', reason: 'index [x] blocked by: [FORBIDDEN/8/index write (api)]' } } },
      ],
    });
    expect(results).to.deep.equal([
      { status: 'stored' },
      { status: 'duplicate' },
      { status: 'retry', reason: '429 es_rejected_execution_exception: queue full' },
      {
        status: 'rejected',
        reason: '400 mapper_parsing_exception: failed to parse field [latencyMs] (caused by number_format_exception: For input string: "x")',
      },
      { status: 'retry', reason: '503 unavailable_shards_exception: primary shard is not active' },
      { status: 'retry', reason: '403 cluster_block_exception: index [x] blocked by: [FORBIDDEN/8/index write (api)]' },
    ]);
  });

  it('classifies rejected_execution under any status as retry, a 409 of another kind as rejected', () => {
    expect(classifyItem({ status: 500, error: { type: 'opensearch_rejected_execution_exception', reason: 'r' } }).status).to.equal('retry');
    expect(classifyItem({ status: 409, error: { type: 'strange_conflict', reason: 'r' } }).status).to.equal('rejected');
    expect(classifyItem(undefined)).to.deep.equal({ status: 'retry', reason: 'bulk item without a status' });
  });

  it('caps a long reason', () => {
    const result = classifyItem({ status: 400, error: { type: 'mapper_parsing_exception', reason: 'y'.repeat(5000) } });
    expect(result.status).to.equal('rejected');
    expect((result as { reason: string }).reason).to.have.length(1001);
  });

  it('throws a retriable error when the answer does not match the request', () => {
    const request = buildBulkRequest([record(sampleEvent(1)), record(sampleEvent(2))], OPTIONS);
    for (const body of [{ items: [{ create: { status: 201 } }] }, {}, null, 'garbage']) {
      expect(() => readBulkResponse(request, body)).to.throw(ServiceUnavailableError, /for 2 actions/);
    }
  });

  it('splits the actions into parts of at least the minimum, in order, covering each once', () => {
    const records = Array.from({ length: 1003 }, (_, i) => record(sampleEvent(i)));
    records[10] = record(sampleEvent(10, { timestampMs: -1 }));
    const request = buildBulkRequest(records, OPTIONS);
    const parts = splitBulkRequest(request, 4, 250);
    expect(parts.map((p) => p.slots.length)).to.deep.equal([250, 251, 250, 251]);
    expect(parts.flatMap((p) => p.slots)).to.deep.equal(request.slots);
    expect(parts.flatMap((p) => p.lines)).to.deep.equal(request.lines);
    expect(parts.reduce((sum, p) => sum + p.bytes, 0)).to.equal(request.bytes);
    expect(splitBulkRequest(request, 8, 250)).to.have.length(4);
    expect(splitBulkRequest(request, 4, 600)).to.deep.equal([request]);
    expect(splitBulkRequest(request, 1, 1)).to.deep.equal([request]);
  });
});
