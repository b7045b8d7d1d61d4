// The whole pipeline in the TopologyTestDriver, with the real Avro serdes over an in-memory
// registry: raw events in, enriched events, windowed stats, alerts and dead letters out. The
// processors' own rules are tested beside them; this checks that the composition wires them right.
import { expect } from 'chai';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Registry } from 'prom-client';
import type { AlertEvent, AlertRule, EnrichedLogEvent, RawLogEvent, WindowedStat } from '../schemas/log-schemas.js';
import { Serdes, TopologyTestDriver } from '../topology/index.js';
import { DLQ_HEADERS } from '../topology/internal/bad-record-handling.js';
import { frameWireFormat } from '../topology/internal/serdes/confluent-wire-format.js';
import { InMemoryRuleCatalog } from './anomaly/rule-catalog.js';
import { avroPipelineSerdes, buildPipeline, type PipelineSerdes } from './pipeline.js';
import { pipelineConfigSchema } from './pipeline-config.js';

/** The two calls AvroSerde makes, answered from memory; an unknown id is a 404 as from the real registry. */
class MemoryRegistry {
  private readonly schemas: string[] = [];

  register(schema: { schema: string }): Promise<{ id: number }> {
    let index = this.schemas.indexOf(schema.schema);
    if (index < 0) index = this.schemas.push(schema.schema) - 1;
    return Promise.resolve({ id: index + 1 });
  }

  getSchema(id: number): Promise<unknown> {
    const text = this.schemas[id - 1];
    if (text === undefined) return Promise.reject(Object.assign(new Error(`Schema ${id} not found`), { status: 404 }));
    return Promise.resolve(JSON.parse(text) as unknown);
  }
}

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0); // a multiple of 60 s: windows start here
const config = pipelineConfigSchema.parse({ windowCount: { windowSizesMs: [10_000], graceMs: 0 }, anomalyDetect: { checkIntervalMs: 60_000 } });
const { topics } = config;

function rawEvent(n: number, service: string, level: 'INFO' | 'ERROR', atMs: number): RawLogEvent {
  return {
    eventId: `ev-${n}`,
    agentId: 'agent-1',
    sequence: n,
    source: { kind: 'file', id: 'app', path: '/var/log/app.log', streamId: 's-1', offset: n * 100 },
    host: 'web-1',
    service,
    line: `${new Date(atMs).toISOString()} ${level} request ${n} done took 12ms`,
    truncated: false,
    observedTimestampMs: atMs + 5,
    eventTimestampMs: atMs,
    level,
    parsedFields: { format: 'plain', message: `request ${n} done took 12ms`, latencyMs: '12' },
    labels: { service },
  };
}

const errorRatioRule: AlertRule = {
  id: 'r-ratio',
  name: 'error ratio',
  description: null,
  kind: 'THRESHOLD',
  enabled: true,
  severity: 'CRITICAL',
  service: 'checkout',
  windowSizeMs: 10_000,
  resolveAfterWindows: 1,
  errorSpike: null,
  latencyAnomaly: null,
  threshold: { metric: 'ERROR_RATIO', comparison: 'ABOVE', value: 0.5, fireAfterWindows: 1 },
  absence: null,
  labels: { team: 'payments' },
  updatedAtMs: 1,
};

function sampleAlert(): AlertEvent {
  return {
    alertId: 'a',
    fingerprint: 'f',
    state: 'FIRING',
    ruleId: 'r',
    ruleName: 'r',
    kind: 'THRESHOLD',
    severity: 'INFO',
    service: 's',
    episodeStartedAtMs: T0,
    eventTimeMs: T0,
    summary: 's',
    evidence: { windowStartMs: T0, windowEndMs: T0 + 1, metric: 'count', observedValue: 1, baselineMean: null, baselineStdDev: null, threshold: 0, score: null, samples: [] },
    labels: {},
  };
}

interface Harness {
  driver: TopologyTestDriver;
  serdes: PipelineSerdes;
  metrics: Registry;
  send(event: RawLogEvent): Promise<void>;
}

async function harness(): Promise<Harness> {
  const serdes = avroPipelineSerdes(new MemoryRegistry() as unknown as SchemaRegistry, topics);
  for (const serde of Object.values(serdes)) await serde.init?.();
  const metrics = new Registry();
  const topology = buildPipeline(config, { serdes, catalog: new InMemoryRuleCatalog([errorRatioRule]), registry: metrics });
  const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: T0 + 120_000, badRecordHandling: { deadLetterTopic: topics.deadLetter } });
  const input = driver.createInputTopic(topics.raw, Serdes.String(), serdes.raw);
  return { driver, serdes, metrics, send: (event) => input.pipeInputAsync(`${event.host}/${event.service}`, event, event.observedTimestampMs) };
}

describe('pipeline (test driver)', () => {
  it('enriches a raw event onto logs.enriched, keyed by service, with the Kafka timestamp of the raw record', async () => {
    const { driver, serdes, send } = await harness();
    await send(rawEvent(1, 'checkout', 'ERROR', T0 + 1_000));
    const [record, ...rest] = driver.createOutputTopic(topics.enriched, Serdes.String(), serdes.enriched).readRecordsToList();
    expect(rest).to.deep.equal([]);
    expect(record?.key).to.equal('checkout');
    expect(record?.timestamp).to.equal(T0 + 1_005);
    const event = record?.value as EnrichedLogEvent;
    expect({ id: event.eventId, ts: event.timestampMs, src: event.timestampSource, level: event.level, service: event.service, host: event.host, latency: event.latencyMs, ingest: event.ingestTimestampMs }).to.deep.equal({
      id: 'ev-1',
      ts: T0 + 1_000,
      src: 'LINE',
      level: 'ERROR',
      service: 'checkout',
      host: 'web-1',
      latency: 12,
      ingest: T0 + 120_000,
    });
    driver.close();
  });

  it('counts closed windows per service and level onto stats.windowed, in event time', async () => {
    const { driver, serdes, send } = await harness();
    await send(rawEvent(1, 'checkout', 'INFO', T0 + 1_000));
    await send(rawEvent(2, 'checkout', 'INFO', T0 + 2_000));
    await send(rawEvent(3, 'checkout', 'ERROR', T0 + 9_999));
    // Event time, not arrival: this one closes [T0, T0+10s) for the partition.
    await send(rawEvent(4, 'checkout', 'INFO', T0 + 10_000));
    const stats = driver.createOutputTopic(topics.stats, Serdes.String(), serdes.stats).readRecordsToList();
    const byKey = Object.fromEntries(stats.map((r) => [r.key, (r.value as WindowedStat).count]));
    expect(byKey).to.deep.equal({ [`checkout|INFO|10000|${T0}`]: 2, [`checkout|ERROR|10000|${T0}`]: 1 });
    const error = stats.find((r) => r.value?.level === 'ERROR')?.value as WindowedStat;
    expect([error.windowStartMs, error.windowEndMs, error.latencyCount, error.latencyP95Ms !== null]).to.deep.equal([T0, T0 + 10_000, 1, true]);
    driver.close();
  });

  it('raises one FIRING alert from the rules in the catalog, then one RESOLVED', async () => {
    const { driver, serdes, send, metrics } = await harness();
    const alerts = driver.createOutputTopic(topics.alerts, Serdes.String(), serdes.alerts);
    await send(rawEvent(1, 'checkout', 'ERROR', T0 + 1_000));
    await send(rawEvent(2, 'checkout', 'ERROR', T0 + 2_000));
    await send(rawEvent(3, 'checkout', 'INFO', T0 + 3_000));
    await send(rawEvent(4, 'checkout', 'INFO', T0 + 11_000)); // closes window 1: ratio 2/3 > 0.5
    await send(rawEvent(5, 'checkout', 'INFO', T0 + 21_000)); // closes window 2: ratio 0
    const events = alerts.readRecordsToList().map((r) => r.value as AlertEvent);
    expect(events.map((e) => [e.state, e.ruleId, e.service, e.evidence.windowStartMs, e.evidence.observedValue])).to.deep.equal([
      ['FIRING', 'r-ratio', 'checkout', T0, 2 / 3],
      ['RESOLVED', 'r-ratio', 'checkout', T0 + 10_000, 0],
    ]);
    expect(events[0]?.fingerprint).to.equal(events[1]?.fingerprint);
    expect(events[0]?.evidence.samples.map((s) => s.eventId)).to.include.members(['ev-1', 'ev-2']);
    expect(await metrics.metrics()).to.match(/sawmill_stream_alerts_emitted_total\{[^}]*state="FIRING"[^}]*\} 1/);
    driver.close();
  });

  it('dead-letters invalid events (validate), non-Avro bytes and unknown schema ids (runtime), and goes on', async () => {
    const { driver, serdes, send, metrics } = await harness();
    const bytes = driver.createInputTopic(topics.raw, Serdes.String(), Serdes.Buffer());
    await bytes.pipeInputAsync('k', Buffer.from('{"not":"avro"}'), T0);
    await bytes.pipeInputAsync('k', frameWireFormat(4242, Buffer.from([2, 0x61])), T0);
    await send({ ...rawEvent(2, 'checkout', 'INFO', T0 + 1_000), eventId: '' });
    // Avro, but written with another topic's schema (an alert), and a RawLogEvent cut short.
    const alertId = serdes.alerts.serialize(topics.alerts, sampleAlert())!.readInt32BE(1);
    await bytes.pipeInputAsync('k', frameWireFormat(alertId, Buffer.from([0])), T0);
    const good = serdes.raw.serialize(topics.raw, rawEvent(9, 'checkout', 'INFO', T0))!;
    await bytes.pipeInputAsync('k', good.subarray(0, good.length - 10), T0);
    await send(rawEvent(3, 'checkout', 'INFO', T0 + 2_000));

    const dead = driver.createOutputTopic(topics.deadLetter, Serdes.String(), Serdes.Buffer()).readRecordsToList();
    expect(dead.map((r) => String(r.headers[DLQ_HEADERS.reason]).split(':')[0])).to.deep.equal(['serialization-error', 'serialization-error', 'missing-id', 'serialization-error', 'serialization-error']);
    expect(String(dead[0]?.headers[DLQ_HEADERS.reason])).to.include('unknown magic byte 123');
    expect(String(dead[1]?.headers[DLQ_HEADERS.reason])).to.include('unknown schema id 4242');
    expect(dead[0]?.value?.toString()).to.equal('{"not":"avro"}');
    // The invalid event is kept whole: it decodes back to what was sent.
    expect(JSON.parse(JSON.stringify(serdes.raw.deserialize(topics.deadLetter, dead[2]?.value ?? null)))).to.deep.equal({ ...rawEvent(2, 'checkout', 'INFO', T0 + 1_000), eventId: '' });
    expect(String(dead[3]?.headers[DLQ_HEADERS.reason])).to.match(/writer schema cannot be resolved to reader schema RawLogEvent/);
    expect(String(dead[4]?.headers[DLQ_HEADERS.reason])).to.match(/Avro body of schema id \d+ cannot be decoded/);
    expect(dead.map((r) => r.headers[DLQ_HEADERS.sourceOffset])).to.deep.equal(['0', '1', '2', '3', '4']);

    const enriched = driver.createOutputTopic(topics.enriched, Serdes.String(), serdes.enriched).readRecordsToList();
    expect(enriched.map((r) => r.value?.eventId)).to.deep.equal(['ev-3']);
    expect(await metrics.metrics()).to.match(/sawmill_stream_dead_letters_total\{reason="missing-id"\} 1/);
    driver.close();
  });
});
