import { expect } from 'chai';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { EnrichedLogEvent, WindowedStat } from '../schemas/log-schemas.js';
import { Serdes, StreamsBuilder, TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '../topology/index.js';
import { createStreamTasks, createTaskId, type OutgoingRecord, type RawRecord } from '../topology/internal/stream-task.js';
import { LatencySketch } from './stats/latency-sketch.js';
import { enrichedEvent, resetEventIds } from './stats/test-fixtures.js';
import { addWindowCount, checkWindowSizes, type ServiceWindow, type WindowCountOptions } from './window-count.js';

/** WindowedStat as JSON: the sketch as base64. */
type StatJson = Omit<WindowedStat, 'latencySketch'> & { latencySketch: string | null };

const S = Serdes.String();
const eventSerde = Serdes.Json<EnrichedLogEvent>();

function topology(options: Omit<WindowCountOptions, 'builder'> = {}) {
  const builder = new StreamsBuilder();
  const enriched = builder.stream('logs.enriched', { keySerde: S, valueSerde: eventSerde });
  const { stats, serviceWindows } = addWindowCount(enriched, { builder, ...options });
  stats.mapValues((stat): StatJson => ({ ...stat, latencySketch: stat.latencySketch === null ? null : stat.latencySketch.toString('base64') })).to('stats', { keySerde: S, valueSerde: Serdes.Json<StatJson>() });
  serviceWindows.to('windows', { keySerde: S, valueSerde: Serdes.Json<ServiceWindow>() });
  return builder.build();
}

interface Harness {
  driver: TopologyTestDriver;
  input: TestInputTopic<string, EnrichedLogEvent>;
  stats: TestOutputTopic<string, StatJson>;
  windows: TestOutputTopic<string, ServiceWindow>;
}

function harness(options: Omit<WindowCountOptions, 'builder'> = {}, registry?: Registry): Harness {
  const driver = new TopologyTestDriver(topology(options), { initialWallClockTimeMs: 1_000_000, ...(registry ? { registry } : {}) });
  return {
    driver,
    input: driver.createInputTopic('logs.enriched', S, eventSerde),
    stats: driver.createOutputTopic('stats', S, Serdes.Json<StatJson>()),
    windows: driver.createOutputTopic('windows', S, Serdes.Json<ServiceWindow>()),
  };
}

function send(h: Harness, event: EnrichedLogEvent): void {
  h.input.pipeInput(event.service, event, event.timestampMs);
}

const statBase = { latencyCount: 0, latencySumMs: 0, latencyMaxMs: null, latencyP50Ms: null, latencyP95Ms: null, latencyP99Ms: null, latencySketch: null, emittedAtMs: 1_000_000 };

describe('window-count', () => {
  beforeEach(() => resetEventIds());

  it('emits each 10 s window once, when stream time passes its end plus grace, with counts per level', () => {
    const h = harness({ windowSizesMs: [10_000], graceMs: 2_000 });
    send(h, enrichedEvent({ service: 'api', timestampMs: 0 }));
    send(h, enrichedEvent({ service: 'api', timestampMs: 9_999, level: 'ERROR' }));
    send(h, enrichedEvent({ service: 'api', timestampMs: 10_000 })); // next window: end is exclusive
    send(h, enrichedEvent({ service: 'api', timestampMs: 11_999 })); // stream time 11 999 < 10 000 + 2 000
    expect(h.stats.isEmpty()).to.equal(true);
    send(h, enrichedEvent({ service: 'db', timestampMs: 12_000 })); // closes [0, 10 000)
    expect(h.stats.readKeyValuesToList()).to.deep.equal([
      ['api|INFO|10000|0', { ...statBase, service: 'api', level: 'INFO', windowSizeMs: 10_000, windowStartMs: 0, windowEndMs: 10_000, count: 1 }],
      ['api|ERROR|10000|0', { ...statBase, service: 'api', level: 'ERROR', windowSizeMs: 10_000, windowStartMs: 0, windowEndMs: 10_000, count: 1 }],
    ]);
    const records = h.windows.readRecordsToList();
    expect(records.map((r) => [r.key, r.timestamp])).to.deep.equal([['api', 9_999]]);
    const sample = (id: string, ts: number, level: string) => ({ eventId: id, timestampMs: ts, host: 'host-1', level, message: `line ${id.slice(1)}`, latencyMs: null });
    expect(records[0]!.value).to.deep.equal({
      service: 'api',
      windowSizeMs: 10_000,
      windowStartMs: 0,
      windowEndMs: 10_000,
      count: 2,
      errorCount: 1,
      countsByLevel: { INFO: 1, ERROR: 1 },
      latency: null,
      lastIngestMs: 10_004,
      samples: { errors: [sample('e2', 9_999, 'ERROR')], slowest: [], first: [sample('e1', 0, 'INFO'), sample('e2', 9_999, 'ERROR')] },
    });
    // Nothing is emitted twice: more records of later windows close only later windows.
    send(h, enrichedEvent({ service: 'api', timestampMs: 25_000 }));
    expect(h.stats.readKeyValuesToList().map(([k, v]) => [k, v!.count])).to.deep.equal([
      ['api|INFO|10000|10000', 2],
      ['db|INFO|10000|10000', 1],
    ]);
  });

  it('accepts out-of-order records within grace and drops later ones as late records (counted)', async () => {
    const registry = new Registry();
    const h = harness({ windowSizesMs: [10_000], graceMs: 2_000 }, registry);
    send(h, enrichedEvent({ service: 'api', timestampMs: 5_000 }));
    send(h, enrichedEvent({ service: 'api', timestampMs: 11_000 }));
    send(h, enrichedEvent({ service: 'api', timestampMs: 9_000 })); // out of order, within grace
    send(h, enrichedEvent({ service: 'api', timestampMs: 12_500 })); // closes [0, 10 000)
    send(h, enrichedEvent({ service: 'api', timestampMs: 9_500 })); // late: its window is closed
    send(h, enrichedEvent({ service: 'api', timestampMs: 30_000 }));
    expect(h.stats.readKeyValuesToList().map(([k, v]) => [k, v!.count])).to.deep.equal([
      ['api|INFO|10000|0', 2],
      ['api|INFO|10000|10000', 2],
    ]);
    const late = (await registry.getMetricsAsJSON()).find((m) => m.name === 'sawmill_topology_late_records_total');
    expect(late?.values.map((v) => v.value)).to.deep.equal([1]);
  });

  it('reports latency quantiles within the sketch accuracy, exact sums and max, and a sketch that decodes to the same quantiles', () => {
    const h = harness({ windowSizesMs: [10_000], graceMs: 0 });
    // 1..1000 ms in a shuffled order (a fixed permutation: i * 7919 mod 1000).
    for (let i = 0; i < 1000; i++) send(h, enrichedEvent({ service: 'api', timestampMs: 1_000 + (i % 9_000), latencyMs: ((i * 7919) % 1000) + 1 }));
    send(h, enrichedEvent({ service: 'api', timestampMs: 10_000 }));
    const [[key, stat]] = h.stats.readKeyValuesToList() as [[string, StatJson]];
    expect(key).to.equal('api|INFO|10000|0');
    expect(stat.count).to.equal(1000);
    expect(stat.latencyCount).to.equal(1000);
    expect(stat.latencySumMs).to.equal(500_500);
    expect(stat.latencyMaxMs).to.equal(1000);
    // Exact rank values (DDSketch uses rank q * (n - 1) on the sorted values 1..1000).
    const exact = (q: number) => Math.floor(q * 999) + 1;
    for (const [q, value] of [
      [0.5, stat.latencyP50Ms],
      [0.95, stat.latencyP95Ms],
      [0.99, stat.latencyP99Ms],
    ] as const) {
      expect(Math.abs(value! - exact(q)) / exact(q), `p${q * 100}`).to.be.at.most(0.01);
    }
    const decoded = LatencySketch.fromBytes(Buffer.from(stat.latencySketch!, 'base64'));
    expect(decoded.count).to.equal(1000);
    expect(decoded.quantile(0.95)).to.be.closeTo(stat.latencyP95Ms!, 1e-9); // the protobuf carries gamma as a double: last-digit rounding
    const window = h.windows.readValue()!;
    expect(window.latency).to.deep.equal({ count: 1000, sumMs: 500_500, maxMs: 1000, p50Ms: stat.latencyP50Ms, p95Ms: stat.latencyP95Ms, p99Ms: stat.latencyP99Ms });
    expect(window.samples.slowest.map((s) => s.latencyMs)).to.deep.equal([1000, 999, 998, 997, 996]);
  });

  it('keeps the first five errors, the five slowest lines and the first five lines as samples', () => {
    const h = harness({ windowSizesMs: [10_000], graceMs: 0 });
    for (let i = 0; i < 8; i++) send(h, enrichedEvent({ service: 'api', timestampMs: 100 + i, level: 'INFO', latencyMs: i }));
    for (let i = 0; i < 7; i++) send(h, enrichedEvent({ service: 'api', timestampMs: 200 + i, level: i % 2 === 0 ? 'ERROR' : 'FATAL', message: 'x'.repeat(1500) }));
    send(h, enrichedEvent({ service: 'api', timestampMs: 10_000 }));
    const window = h.windows.readValue()!;
    expect(window.samples.first.map((s) => s.eventId)).to.deep.equal(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(window.samples.errors.map((s) => [s.eventId, s.level, s.message.length])).to.deep.equal([
      ['e9', 'ERROR', 1000],
      ['e10', 'FATAL', 1000],
      ['e11', 'ERROR', 1000],
      ['e12', 'FATAL', 1000],
      ['e13', 'ERROR', 1000],
    ]);
    expect(window.samples.slowest.map((s) => [s.eventId, s.latencyMs])).to.deep.equal([
      ['e8', 7],
      ['e7', 6],
      ['e6', 5],
      ['e5', 4],
      ['e4', 3],
    ]);
    expect(window.errorCount).to.equal(7);
    expect(window.countsByLevel).to.deep.equal({ INFO: 8, ERROR: 4, FATAL: 3 });
  });

  it('rolls 1-minute windows up from the 10-second ones: same totals, emitted once when the minute closes', () => {
    const h = harness({ windowSizesMs: [10_000, 60_000], graceMs: 2_000 });
    const latencies: number[] = [];
    for (let t = 0; t < 60_000; t += 1_000) {
      const latencyMs = 10 + (t / 1000) * 3;
      latencies.push(latencyMs);
      send(h, enrichedEvent({ service: 'api', timestampMs: t, level: t % 10_000 === 0 ? 'WARN' : 'INFO', latencyMs }));
    }
    send(h, enrichedEvent({ service: 'api', timestampMs: 61_999 }));
    const before = h.stats.readKeyValuesToList().map(([k]) => k);
    expect(before.filter((k) => k!.includes('|60000|'))).to.deep.equal([]);
    expect(before).to.have.length(10); // [0, 50 000) closed: INFO + WARN for five windows
    send(h, enrichedEvent({ service: 'api', timestampMs: 62_000 }));
    const after = h.stats.readKeyValuesToList();
    expect(after.map(([k]) => k)).to.deep.equal(['api|INFO|10000|50000', 'api|WARN|10000|50000', 'api|INFO|60000|0', 'api|WARN|60000|0']);
    const minuteInfo = after[2]![1]!;
    const infoLatencies = latencies.filter((_, i) => i % 10 !== 0);
    expect(minuteInfo.count).to.equal(54);
    expect(minuteInfo.latencyCount).to.equal(54);
    expect(minuteInfo.latencySumMs).to.equal(infoLatencies.reduce((a, b) => a + b, 0));
    expect(minuteInfo.latencyMaxMs).to.equal(187);
    const exactP95 = [...infoLatencies].sort((a, b) => a - b)[Math.floor(0.95 * 53)]!;
    expect(Math.abs(minuteInfo.latencyP95Ms! - exactP95) / exactP95).to.be.at.most(0.01);
    expect(after[3]![1]!.count).to.equal(6);
    const minuteWindow = h.windows.readRecordsToList().map((r) => r.value!).filter((w) => w.windowSizeMs === 60_000);
    expect(minuteWindow.map((w) => [w.windowStartMs, w.count, w.countsByLevel, w.samples.first.map((s) => s.eventId)])).to.deep.equal([[0, 60, { INFO: 54, WARN: 6 }, ['e1', 'e2', 'e3', 'e4', 'e5']]]);
  });

  it('logs exactly one 32-byte cell per event to its changelog, and deletes the cells when the window closes', () => {
    const h = harness({ windowSizesMs: [10_000, 60_000], graceMs: 0 });
    for (let i = 0; i < 100; i++) send(h, enrichedEvent({ service: 'api', timestampMs: i * 10, latencyMs: i % 2 === 0 ? 5 : null }));
    const changelog = h.driver.producedRecords('topology-test-driver-window-count-cells-changelog');
    expect(changelog).to.have.length(100);
    expect(changelog.every((r) => r.value !== null && r.value.length === 32)).to.equal(true);
    send(h, enrichedEvent({ service: 'api', timestampMs: 10_000 }));
    const tombstones = changelog.slice(100).filter((r) => r.value === null);
    expect(tombstones).to.have.length(2); // the no-latency cell and the one latency bin of [0, 10 000)
  });

  it('handles hostile service names and bad latencies without losing the event', () => {
    const h = harness({ windowSizesMs: [10_000], graceMs: 0 });
    const service = 'a|b\u0001c\u0000"d';
    send(h, enrichedEvent({ service, timestampMs: 1, latencyMs: Number.NaN }));
    send(h, enrichedEvent({ service, timestampMs: 2, latencyMs: -5 }));
    send(h, enrichedEvent({ service, timestampMs: 3, latencyMs: 0 }));
    send(h, enrichedEvent({ service, timestampMs: 4, level: 'NOT-A-LEVEL' as never }));
    h.input.pipeInput(service, null, 5); // a tombstone carries no event
    send(h, enrichedEvent({ service: 'x', timestampMs: 10_000 }));
    const stats = h.stats.readKeyValuesToList();
    expect(stats.map(([k, v]) => [k, v!.count, v!.latencyCount])).to.deep.equal([
      [`${service}|INFO|10000|0`, 3, 1],
      [`${service}|UNKNOWN|10000|0`, 1, 0],
    ]);
    expect(stats[0]![1]!.latencyP99Ms).to.equal(0);
  });

  it('refuses window sizes that are not multiples of the smallest, and negative grace', () => {
    expect(() => checkWindowSizes([10_000, 15_000], 0)).to.throw(RangeError, 'not a multiple');
    expect(() => checkWindowSizes([], 0)).to.throw(RangeError, 'at least one');
    expect(() => checkWindowSizes([0], 0)).to.throw(RangeError, 'positive');
    expect(() => checkWindowSizes([10_000], -1)).to.throw(RangeError, 'grace');
    expect(checkWindowSizes([60_000, 10_000, 10_000], 0)).to.deep.equal([10_000, 60_000]);
  });

  it('after a crash, a task restored from the changelogs emits exactly what an uninterrupted one does, and does not reopen closed windows', () => {
    const events = [
      ...Array.from({ length: 30 }, (_, i) => enrichedEvent({ service: i % 3 === 0 ? 'db' : 'api', timestampMs: i * 1_000, level: i % 5 === 0 ? 'ERROR' : 'INFO', latencyMs: i % 2 === 0 ? i * 3 : null })),
    ];
    const rest = [enrichedEvent({ service: 'api', timestampMs: 19_000 }), ...Array.from({ length: 50 }, (_, i) => enrichedEvent({ service: 'api', timestampMs: 30_000 + i * 1_000, latencyMs: i }))];
    const raw = (event: EnrichedLogEvent, offset: number): RawRecord => ({ topic: 'logs.enriched', partition: 0, offset: String(offset), key: Buffer.from(event.service), value: eventSerde.serialize('', event), timestamp: event.timestampMs, headers: {} });
    const run = () => {
      const sent: OutgoingRecord[] = [];
      const factory = createStreamTasks(topology({ windowSizesMs: [10_000, 60_000], graceMs: 2_000 }), { applicationId: 'app', partitions: new Map([['logs.enriched', 1]]), collector: () => ({ send: (r) => sent.push(r) }), logger: pino({ level: 'silent' }), wallClock: () => 7 });
      return { sent, task: factory.createTask(createTaskId(0, 0)) };
    };
    const outputs = (sent: OutgoingRecord[]) => sent.filter((r) => r.topic === 'stats' || r.topic === 'windows').map((r) => `${r.topic} ${r.key?.toString()} ${r.value?.toString()}`);

    const reference = run();
    [...events, ...rest].forEach((e, i) => reference.task.process(raw(e, i)));

    const first = run();
    events.forEach((e, i) => first.task.process(raw(e, i)));
    const second = run();
    for (const [store, topic] of second.task.changelogTopics()) {
      second.task.restore(store, first.sent.filter((r) => r.topic === topic).map((r) => ({ key: r.key, value: r.value })));
    }
    rest.forEach((e, i) => second.task.process(raw(e, events.length + i)));
    const combined = [...outputs(first.sent), ...outputs(second.sent)];
    expect(combined).to.deep.equal(outputs(reference.sent));
    // The record at 19 000 came after [10 000, 20 000) closed (stream time 29 000): it is late in both runs.
    expect(combined.filter((line) => line.startsWith('stats api|INFO|10000|10000 '))).to.have.length(1);
    expect(combined.filter((line) => line.startsWith('stats api|INFO|60000|0 '))).to.have.length(1);
  });
});
