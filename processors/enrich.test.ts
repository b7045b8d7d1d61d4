import { expect } from 'chai';
import avro from 'avsc';
import { createParser } from '../agent/parsers/index.js';
import { buildRawEvent, type RawLogEvent } from '../agent/raw-event.js';
import { topicValueSchema, type EnrichedLogEvent } from '../schemas/log-schemas.js';
import { ConfigError } from '../lib/errors.js';
import { createEnricher, enrichEvent } from './enrich.js';
import { patternIdOf } from './enrich/pattern-id.js';

const OBSERVED = Date.UTC(2026, 11, 1, 12, 0, 0);
const INGEST = OBSERVED + 250;
const enrichedType = avro.Type.forSchema(topicValueSchema('logs.enriched') as avro.Schema);

/** A raw event the way the agent builds it from one file line. */
function agentEvent(line: string, labels: Record<string, string> = {}, offset = 0): RawLogEvent {
  const parsed = createParser().parse(line, { now: OBSERVED });
  return buildRawEvent(
    { eventId: 'ev-1', agentId: 'agent-1', sequence: 7, kind: 'file', sourceId: 'app', path: '/var/log/app.log', streamId: 'stream-1', offset, text: line, truncated: false, observedTimestampMs: OBSERVED, host: 'agent-host', labels },
    parsed,
  );
}

/** A raw event from some other producer: no agent parse, only what it chose to send. */
function foreignEvent(overrides: Partial<RawLogEvent>): RawLogEvent {
  return {
    eventId: 'ev-2', agentId: 'other', sequence: 0, source: { kind: 'http', id: 'push', path: null, streamId: null, offset: null },
    host: 'h', service: 'svc', line: '', truncated: false, observedTimestampMs: OBSERVED, eventTimestampMs: null, level: null, parsedFields: {}, labels: {},
    ...overrides,
  };
}

function expectEncodable(event: EnrichedLogEvent, roundTrip = true): void {
  expect(enrichedType.isValid(event), JSON.stringify(event).slice(0, 300)).to.equal(true);
  // avsc decodes a map key `__proto__` by plain assignment, which drops it: only the encoding is checked then.
  if (roundTrip) expect(JSON.stringify(enrichedType.fromBuffer(enrichedType.toBuffer(event)))).to.equal(JSON.stringify(event));
}

describe('enrichEvent', () => {
  it('enriches a JSON line completely (exact output)', () => {
    const line = '{"ts":"2026-12-01T11:59:58.123Z","level":"warning","msg":"GET /orders/42 took 87ms","trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736","span_id":"00f067aa0ba902b7","service":"orders","user":"u-7","http":{"status":200}}';
    const event = enrichEvent(agentEvent(line, { env: 'prod' }), INGEST);
    expect(event).to.deep.equal({
      eventId: 'ev-1',
      timestampMs: Date.UTC(2026, 11, 1, 11, 59, 58, 123),
      timestampSource: 'LINE',
      observedTimestampMs: OBSERVED,
      ingestTimestampMs: INGEST,
      host: 'agent-host',
      service: 'orders',
      level: 'WARN',
      levelText: 'warning',
      message: 'GET /orders/42 took 87ms',
      line,
      truncated: false,
      format: 'json',
      patternId: patternIdOf('GET /orders/<num> took <num>ms'),
      pattern: 'GET /orders/<num> took <num>ms',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      latencyMs: 87,
      agentId: 'agent-1',
      sourceKind: 'file',
      sourceId: 'app',
      sourcePath: '/var/log/app.log',
      streamId: 'stream-1',
      sourceOffset: 0,
      fields: { user: 'u-7', 'http.status': '200' },
      labels: { env: 'prod' },
    });
    expectEncodable(event);
  });

  it('enriches a loghub HDFS line (exact output)', () => {
    const line = '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating';
    const event = enrichEvent(agentEvent(line, { service: 'hdfs' }, 4096), INGEST);
    expect(event).to.deep.equal({
      eventId: 'ev-1', timestampMs: Date.UTC(2008, 10, 9, 20, 36, 15), timestampSource: 'LINE', observedTimestampMs: OBSERVED, ingestTimestampMs: INGEST,
      host: 'agent-host', service: 'hdfs', level: 'INFO', levelText: 'INFO',
      message: 'PacketResponder 1 for block blk_38865049064139660 terminating', line, truncated: false, format: 'hdfs',
      patternId: patternIdOf('PacketResponder <num> for block blk_<*> terminating'), pattern: 'PacketResponder <num> for block blk_<*> terminating',
      traceId: null, spanId: null, latencyMs: null, agentId: 'agent-1', sourceKind: 'file', sourceId: 'app', sourcePath: '/var/log/app.log', streamId: 'stream-1', sourceOffset: 4096,
      fields: { pid: '148', component: 'dfs.DataNode$PacketResponder' }, labels: { service: 'hdfs' },
    });
    expectEncodable(event);
  });

  it('reads the level of each format family through the agent', () => {
    const lines: Array<[string, string, string | null]> = [
      ['<11>Dec  1 11:00:00 web1 nginx[12]: upstream timed out', 'ERROR', '3'],
      ['17/06/09 20:10:40 WARN storage.BlockManager: slow', 'WARN', 'WARN'],
      ['2015-07-29 17:41:44,747 - ERROR [main:QuorumPeer@1] - boom', 'ERROR', 'ERROR'],
      ['[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok', 'NOTICE', 'notice'],
      ['time=2026-12-01T11:00:00Z level=debug msg="cache miss" key=k1', 'DEBUG', 'debug'],
      ['{"level":50,"msg":"pino error"}', 'ERROR', '50'],
      ['{"severity":"CRITICAL","message":"python"}', 'FATAL', 'CRITICAL'],
      ['{"level":"SEVERE","message":"jul"}', 'ERROR', 'SEVERE'],
      ['{"level":"FINEST","message":"jul"}', 'TRACE', 'FINEST'],
      ['{"level":"dpanic","msg":"zap"}', 'FATAL', 'dpanic'],
      ['F1201 11:00:00.000001 1 main.go:1] glog fatal', 'FATAL', 'F'],
      ['just some words', 'UNKNOWN', null],
    ];
    const got = lines.map(([line]) => {
      const e = enrichEvent(agentEvent(line), INGEST);
      return [line, e.level, e.levelText];
    });
    expect(got).to.deep.equal(lines);
  });

  it('enriches an event no agent parser read: level, time, trace and latency from its fields and text', () => {
    const event = enrichEvent(
      foreignEvent({
        line: 'payment done in 1.5s for user 9',
        parsedFields: { lvl: 'err', '@timestamp': '2026-12-01T11:00:00+01:00', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', region: 'eu' },
      }),
      INGEST,
    );
    expect([event.level, event.levelText, event.timestampMs, event.timestampSource, event.traceId, event.spanId, event.latencyMs, event.format, event.message]).to.deep.equal(
      ['ERROR', 'err', Date.UTC(2026, 11, 1, 10), 'LINE', '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 1500, 'unknown', 'payment done in 1.5s for user 9'],
    );
    expect(event.fields).to.deep.equal({ region: 'eu' });
    expectEncodable(event);
  });

  it('names the service from the event, else the labels, else the line, else unknown; the host likewise', () => {
    expect(enrichEvent(foreignEvent({ service: 'unknown', labels: { service: 'billing' } }), INGEST).service).to.equal('billing');
    expect(enrichEvent(foreignEvent({ service: '', parsedFields: { service: 'api' } }), INGEST).service).to.equal('api');
    expect(enrichEvent(foreignEvent({ service: '  ' }), INGEST).service).to.equal('unknown');
    expect(enrichEvent(foreignEvent({ host: '', parsedFields: { host: 'web-3' } }), INGEST).host).to.equal('web-3');
    expect(enrichEvent(foreignEvent({ host: '' }), INGEST).host).to.equal('other');
    // The label won over the line's own name: the line's name stays a field.
    const labelled = enrichEvent(foreignEvent({ service: 'billing', parsedFields: { service: 'java' } }), INGEST);
    expect([labelled.service, labelled.fields]).to.deep.equal(['billing', { service: 'java' }]);
  });

  it('is deterministic and does not modify its input', () => {
    const raw = agentEvent('{"level":"info","msg":"hello 1","a":"b"}');
    const before = JSON.stringify(raw);
    expect(enrichEvent(raw, INGEST)).to.deep.equal(enrichEvent(raw, INGEST));
    expect(createEnricher({ timeZone: 'UTC' })(raw, INGEST)).to.deep.equal(enrichEvent(raw, INGEST));
    expect(JSON.stringify(raw)).to.equal(before);
  });

  it('survives hostile input and stays encodable', () => {
    const huge = `ERROR ${'x9 '.repeat(3_000_000)}`;
    const started = Date.now();
    const big = enrichEvent(foreignEvent({ line: huge }), INGEST, { maxMessageLength: 1000 });
    expect(Date.now() - started, 'ms for a 9 MB line').to.be.below(2000);
    expect(big.message.length).to.equal(1000);
    expect(big.line.length).to.equal(huge.length);
    expect(big.pattern.endsWith('<…>')).to.equal(false);
    expect(big.pattern).to.equal('ERROR x<*> x');

    const control = enrichEvent(foreignEvent({ line: 'bad\u0000line\u001b[31m red', host: 'h\u0000ost\n', service: 'sv\u0007c' }), INGEST);
    expect([control.host, control.service, control.pattern]).to.deep.equal(['host', 'svc', 'bad line [<num>m red']);
    expectEncodable(control);

    const nonsense = enrichEvent(
      foreignEvent({
        observedTimestampMs: Number.NaN, eventTimestampMs: 1e300, level: 'x'.repeat(10_000),
        source: { kind: 'http', id: 'p', path: null, streamId: null, offset: Number.POSITIVE_INFINITY },
        parsedFields: { timestampText: '2026-02-30 25:61:00', latencyMs: '1e400', levelText: '99', traceId: ' ', format: 'json' },
      }),
      INGEST,
    );
    expect([nonsense.timestampMs, nonsense.timestampSource, nonsense.observedTimestampMs, nonsense.level, nonsense.latencyMs, nonsense.traceId, nonsense.sourceOffset]).to.deep.equal(
      [INGEST, 'OBSERVED', INGEST, 'UNKNOWN', null, null, null],
    );
    // Values that were not used stay as fields: nothing is lost.
    expect(nonsense.fields).to.deep.equal({ timestampText: '2026-02-30 25:61:00', latencyMs: '1e400', traceId: ' ' });
    expectEncodable(nonsense);

    const proto = JSON.parse('{"__proto__":"polluted","constructor":"c","toString":"t","level":"info"}') as Record<string, string>;
    const pe = enrichEvent(foreignEvent({ parsedFields: proto, labels: JSON.parse('{"__proto__":"l"}') as Record<string, string> }), INGEST);
    expect(pe.level).to.equal('INFO');
    expect(Object.keys(pe.fields)).to.deep.equal(['__proto__', 'constructor', 'toString']);
    expect(pe.fields['__proto__']).to.equal('polluted');
    expect(Object.getPrototypeOf(pe.fields)).to.equal(Object.prototype);
    expect(Object.keys(pe.labels)).to.deep.equal(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expectEncodable(pe, false);
  });

  it('refuses bad options with a ConfigError', () => {
    expect(() => enrichEvent(foreignEvent({}), INGEST, { timeZone: 'Nowhere/Land' })).to.throw(ConfigError, /timeZone/);
    expect(() => createEnricher({ patternMaxLength: -1 })).to.throw(ConfigError, /patternMaxLength/);
  });
});
