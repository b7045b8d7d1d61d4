import { expect } from 'chai';
import { InvalidInputError } from '../../lib/errors.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { columnArrays, copyText, indexNameOf, toLogRow } from './log-row.js';

const event: EnrichedLogEvent = {
  eventId: 'e1', timestampMs: Date.UTC(2026, 11, 1, 13, 0, 0), timestampSource: 'LINE', observedTimestampMs: 0, ingestTimestampMs: Date.UTC(2026, 11, 1, 13, 0, 1),
  host: 'h', service: 's', level: 'WARN', levelText: null, message: 'm', line: 'l', truncated: false, format: 'plain', patternId: 'p', pattern: 'p',
  traceId: null, spanId: null, latencyMs: 12.5, agentId: 'a', sourceKind: 'file', sourceId: 'x', sourcePath: null, streamId: null, sourceOffset: null, fields: {}, labels: {},
};

describe('log_events rows', () => {
  it('maps an event to its row with the OpenSearch index of its UTC day', () => {
    expect(toLogRow(event, 'sawmill-logs')).to.deep.equal({
      eventId: 'e1', ts: '2026-12-01T13:00:00.000Z', tsMs: event.timestampMs, host: 'h', service: 's', level: 'WARN', patternId: 'p',
      traceId: null, latencyMs: 12.5, indexName: 'sawmill-logs-2026.12.01', ingestTs: '2026-12-01T13:00:01.000Z',
    });
    expect(indexNameOf('x', Date.UTC(2026, 0, 2, 23, 59, 59, 999))).to.equal('x-2026.01.02');
  });

  it('refuses an unusable event id or timestamp, and drops a non-finite latency', () => {
    expect(() => toLogRow({ ...event, eventId: '' }, 'p')).to.throw(InvalidInputError, /event id is empty/);
    expect(() => toLogRow({ ...event, eventId: 'a\u0000' }, 'p')).to.throw(InvalidInputError, /holds NUL/);
    expect(() => toLogRow({ ...event, eventId: 'x'.repeat(513) }, 'p')).to.throw(InvalidInputError, /longer than 512/);
    expect(() => toLogRow({ ...event, timestampMs: -9e15 }, 'p')).to.throw(InvalidInputError, /timestampMs -9000000000000000 is not a representable timestamp/);
    expect(() => toLogRow({ ...event, ingestTimestampMs: Number.NaN }, 'p')).to.throw(InvalidInputError, /ingestTimestampMs/);
    expect(toLogRow({ ...event, latencyMs: Number.POSITIVE_INFINITY }, 'p').latencyMs).to.equal(null);
  });

  it('encodes COPY text and unnest arrays in column order', () => {
    const row = toLogRow({ ...event, host: 'a\tb' }, 'p');
    expect(copyText([row]).toString()).to.equal('e1\t2026-12-01T13:00:00.000Z\ta\\tb\ts\tWARN\tp\t\\N\t12.5\tp-2026.12.01\t2026-12-01T13:00:01.000Z\n');
    expect(columnArrays([row]).map((column) => column[0])).to.deep.equal(['e1', row.ts, 'a\tb', 's', 'WARN', 'p', null, 12.5, 'p-2026.12.01', row.ingestTs]);
  });
});
