// Bad input on the real stack never stops the pipeline: non-Avro bytes, an Avro record with a
// schema id the registry does not know, and a valid event with a 5 MB line each land on the DLQ
// topic with the reason and origin in x-sawmill-dlq-* headers, and a good event produced after
// them still comes out on logs.enriched. The raw topic accepts 8 MiB records (max.message.bytes)
// so the 5 MB line reaches the pipeline at all; validate refuses it (line over 1 MiB) and
// dead-letters it whole.
import { expect } from 'chai';
import type { RawLogEvent } from '../../schemas/log-schemas.js';
import { DLQ_HEADERS } from '../../topology/internal/bad-record-handling.js';
import { frameWireFormat } from '../../topology/internal/serdes/confluent-wire-format.js';
import { waitFor } from '../support/wait-for.js';
import { PipelineHarness } from './pipeline-harness.js';

function rawEvent(id: string, line: string): RawLogEvent {
  const now = Date.now();
  return {
    eventId: id,
    agentId: 'it-agent',
    sequence: 1,
    source: { kind: 'stdin', id: 'it', path: null, streamId: 'it-stream', offset: 0 },
    host: 'it-host',
    service: 'dlq-test',
    line,
    truncated: false,
    observedTimestampMs: now,
    eventTimestampMs: now - 10,
    level: 'INFO',
    parsedFields: { format: 'plain', message: line.slice(0, 100) },
    labels: { service: 'dlq-test' },
  };
}

describe('pipeline dead letters (integration, Kafka + registry)', function () {
  this.timeout(120_000);
  let harness: PipelineHarness;

  before(async () => {
    harness = await PipelineHarness.create('dlq');
  });

  after(async () => {
    await harness?.close();
  });

  it('dead-letters non-Avro bytes, an unknown schema id and a 5 MB line with their reasons, and keeps going', async () => {
    const { topics } = harness;
    await harness.startPipeline();
    const dlq = await harness.collect(topics.deadLetter);
    const enriched = await harness.collect(topics.enriched);

    const huge = rawEvent('ev-huge', 'x'.repeat(5 * 1024 * 1024));
    await harness.produceBytes('bad/json', Buffer.from('{"level":"ERROR","msg":"not avro"}'));
    await harness.produceBytes('bad/schema-id', frameWireFormat(2_000_000_000, Buffer.from([2, 0x61])));
    await harness.produceRaw([huge]);
    await harness.produceRaw([rawEvent('ev-good', 'a good line after the bad ones')]);

    await waitFor('the good event on logs.enriched', () => enriched.messages.length >= 1, { timeoutMs: 60_000 });
    await waitFor('three dead letters', () => dlq.messages.length >= 3, { timeoutMs: 30_000, detail: () => JSON.stringify(dlq.messages.map((m) => m.headers[DLQ_HEADERS.reason])) });

    expect(enriched.messages.map((m) => m.key)).to.deep.equal(['dlq-test']);
    expect(enriched.messages[0]?.value?.includes(Buffer.from('a good line after the bad ones'))).to.equal(true);

    const byKey = new Map(dlq.messages.map((m) => [m.key, m]));
    expect([...byKey.keys()].sort()).to.deep.equal(['bad/json', 'bad/schema-id', 'it-host/dlq-test']);

    const json = byKey.get('bad/json')!;
    expect(json.headers[DLQ_HEADERS.reason]).to.match(/^serialization-error: .*unknown magic byte 123/);
    expect(json.value?.toString()).to.equal('{"level":"ERROR","msg":"not avro"}');
    expect(json.headers[DLQ_HEADERS.sourceTopic]).to.equal(topics.raw);

    const unknownId = byKey.get('bad/schema-id')!;
    expect(unknownId.headers[DLQ_HEADERS.reason]).to.match(/^serialization-error: .*unknown schema id 2000000000: not found in the schema registry/);
    expect([...(unknownId.value ?? [])]).to.deep.equal([...frameWireFormat(2_000_000_000, Buffer.from([2, 0x61]))]);

    const big = byKey.get('it-host/dlq-test')!;
    expect(big.headers[DLQ_HEADERS.reason]).to.equal('line-too-long: line is 5242880 bytes, limit 1048576');
    expect(big.headers[DLQ_HEADERS.processor]).to.equal('validate');
    // Whole: it decodes back to the event that was sent, 5 MB line included.
    await harness.rawSerde.prepare(topics.deadLetter, big.value);
    const back = harness.rawSerde.deserialize(topics.deadLetter, big.value)!;
    expect([back.eventId, back.line.length, back.line === huge.line]).to.deep.equal(['ev-huge', 5 * 1024 * 1024, true]);

    const metrics = await harness.metrics.metrics();
    expect(metrics).to.match(/sawmill_stream_dead_letters_total\{reason="line-too-long",component="stream"\} 1|sawmill_stream_dead_letters_total\{reason="line-too-long"\} 1/);
    expect(metrics).to.match(/sawmill_topology_dead_letters_total\{reason="serialization-error"[^}]*\} 2/);
  });
});
