import { expect } from 'chai';
import { Registry } from 'prom-client';
import { Serdes, StreamsBuilder, TimeWindows, TopologyTestDriver, type Windowed } from '../../index.js';
import { longSerde } from '../codecs/long-serde.js';
import { windowedSerde } from '../codecs/windowed-serde.js';

const S = Serdes.String();

/** input(key: host, value: message) -> windowed count -> out (key "host@start-end", value count). */
function countTopology(windows: TimeWindows, registry?: Registry) {
  const builder = new StreamsBuilder();
  builder
    .stream('logs', { keySerde: S, valueSerde: S })
    .groupByKey()
    .windowedBy(windows)
    .count({ name: 'counts' })
    .toStream()
    .map((w, n) => [`${w.key}@${w.startMs}-${w.endMs}`, n])
    .to('out', { keySerde: S, valueSerde: longSerde });
  const driver = new TopologyTestDriver(builder.build(), registry ? { registry } : {});
  return { driver, input: driver.createInputTopic('logs', S, S), output: driver.createOutputTopic('out', S, longSerde) };
}

async function lateCount(registry: Registry): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'sawmill_topology_late_records_total');
  return (metric?.values ?? []).reduce((sum, v) => sum + Number(v.value), 0);
}

describe('windowed aggregation', () => {
  it('counts per key in tumbling windows and emits every update', () => {
    const { input, output } = countTopology(TimeWindows.ofSizeWithGrace(10, 0));
    input.pipeInput('a', 'x', 0);
    input.pipeInput('a', 'x', 9);
    input.pipeInput('b', 'x', 5);
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['a@0-10', 1],
      ['a@0-10', 2],
      ['b@0-10', 1],
    ]);
  });

  it('puts a record at exactly the window end into the next window', () => {
    const { input, output, driver } = countTopology(TimeWindows.ofSizeWithGrace(10, 0));
    const store = driver.getWindowStore<string, number>('counts');
    input.pipeInput('a', 'x', 9);
    expect(store.fetch('a', 0)).to.equal(1);
    input.pipeInput('a', 'x', 10);
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['a@0-10', 1],
      ['a@10-20', 1],
    ]);
    expect(store.fetch('a', 10)).to.equal(1);
  });

  it('hopping windows count a record in every window containing it', () => {
    const { input, output } = countTopology(TimeWindows.ofSizeWithGrace(10, 100).advanceBy(5));
    input.pipeInput('a', 'x', 12);
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['a@5-15', 1],
      ['a@10-20', 1],
    ]);
    input.pipeInput('a', 'x', 3);
    expect(output.readKeyValuesToList()).to.deep.equal([['a@0-10', 1]]);
  });

  it('accepts a record within the grace period and updates its window', async () => {
    const registry = new Registry();
    const { input, output } = countTopology(TimeWindows.ofSizeWithGrace(10, 5), registry);
    input.pipeInput('a', 'x', 3);
    input.pipeInput('a', 'x', 14); // stream time 14: window [0,10) closes at 10 + 5 = 15
    input.pipeInput('a', 'x', 7); // within grace
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['a@0-10', 1],
      ['a@10-20', 1],
      ['a@0-10', 2],
    ]);
    expect(await lateCount(registry)).to.equal(0);
  });

  it('drops and counts a record that arrives after the grace period', async () => {
    const registry = new Registry();
    const { input, output, driver } = countTopology(TimeWindows.ofSizeWithGrace(10, 5), registry);
    input.pipeInput('a', 'x', 3);
    input.pipeInput('a', 'x', 15); // stream time 15 = window end 10 + grace 5: [0,10) is closed
    input.pipeInput('a', 'x', 9); // late
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['a@0-10', 1],
      ['a@10-20', 1],
    ]);
    expect(await lateCount(registry)).to.equal(1);
    expect(driver.getWindowStore<string, number>('counts').fetch('a', 0)).to.equal(1);
  });

  it('aggregate folds values with the initializer and a typed value serde', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('logs', { keySerde: S, valueSerde: Serdes.Json<{ bytes: number }>() })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithGrace(60_000, 0))
      .aggregate(
        () => ({ total: 0, max: 0 }),
        (_key, value, agg) => ({ total: agg.total + value.bytes, max: Math.max(agg.max, value.bytes) }),
        { name: 'sizes', valueSerde: Serdes.Json<{ total: number; max: number }>() },
      )
      .toStream()
      .to('out', { keySerde: windowedSerde(S, 60_000) });
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('logs', S, Serdes.Json<{ bytes: number }>());
    input.pipeInput('h', { bytes: 10 }, 1_000);
    input.pipeInput('h', { bytes: 30 }, 2_000);
    const out = driver.createOutputTopic<Windowed<string>, { total: number; max: number }>('out', windowedSerde(S, 60_000), Serdes.Json());
    expect(out.readKeyValuesToList()).to.deep.equal([
      [{ key: 'h', startMs: 0, endMs: 60_000 }, { total: 10, max: 10 }],
      [{ key: 'h', startMs: 0, endMs: 60_000 }, { total: 40, max: 30 }],
    ]);
    expect(driver.getWindowStore<string, { total: number }>('sizes').all()).to.have.length(1);
  });

  it('reduce combines values per window, the first value being the initial aggregate', () => {
    const builder = new StreamsBuilder();
    const J = Serdes.Json<number>();
    builder
      .stream('in', { keySerde: S, valueSerde: J })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithGrace(10, 0))
      .reduce((a, b) => Math.max(a, b))
      .toStream()
      .map((w, v) => [`${w.key}@${w.startMs}`, v])
      .to('out', { keySerde: S, valueSerde: J });
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', S, J);
    input.pipeInput('k', 4, 1);
    input.pipeInput('k', 2, 2);
    input.pipeInput('k', 9, 3);
    input.pipeInput('k', 1, 11);
    expect(driver.createOutputTopic('out', S, J).readKeyValuesToList()).to.deep.equal([
      ['k@0', 4],
      ['k@0', 4],
      ['k@0', 9],
      ['k@10', 1],
    ]);
  });

  it('skips records with a null key', () => {
    const { input, output } = countTopology(TimeWindows.ofSizeWithGrace(10, 0));
    input.pipeInput(null, 'x', 1);
    expect(output.isEmpty()).to.equal(true);
  });

  it('expires windows from the store after size + grace of stream time', () => {
    const { input, driver } = countTopology(TimeWindows.ofSizeWithGrace(10, 5));
    input.pipeInput('a', 'x', 1);
    const store = driver.getWindowStore<string, number>('counts');
    input.pipeInput('b', 'x', 14); // window start 10; retention 15: window 0 still kept
    expect(store.fetch('a', 0)).to.equal(1);
    input.pipeInput('b', 'x', 25); // window start 20 > 0 + 15: window 0 expired
    expect(store.fetch('a', 0)).to.equal(undefined);
    expect(store.all().map(([w]) => `${w.key}@${w.startMs}`)).to.deep.equal(['b@10', 'b@20']);
  });

  it('uses the event time from a timestamp extractor', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', { keySerde: S, valueSerde: Serdes.Json<{ at: number }>(), timestampExtractor: (r) => r.value?.at ?? r.timestamp })
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithGrace(10, 0))
      .count()
      .toStream()
      .map((w, n) => [`${w.key}@${w.startMs}`, n])
      .to('out', { keySerde: S, valueSerde: longSerde });
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', S, Serdes.Json<{ at: number }>()).pipeInput('a', { at: 25 }, 1);
    const record = driver.createOutputTopic('out', S, longSerde).readRecord();
    expect([record.key, record.value, record.timestamp]).to.deep.equal(['a@20', 1, 25]);
  });

  it('closes windows on the times of the records it aggregates, not on other topics of the same task', () => {
    const builder = new StreamsBuilder();
    const rules = builder.table('rules', { keySerde: S, valueSerde: S });
    const logs = builder.stream('logs', { keySerde: S, valueSerde: S });
    logs.join(rules, (v, r) => `${v}${r}`).to('joined', { valueSerde: S });
    logs.groupByKey().windowedBy(TimeWindows.ofSizeWithGrace(10, 0)).count({ name: 'counts' });
    const driver = new TopologyTestDriver(builder.build());
    expect(driver.plan.subtopologies).to.have.length(1);
    driver.createInputTopic('rules', S, S).pipeInput('a', 'r', 1_000_000); // wall-clock-stamped rule
    driver.createInputTopic('logs', S, S).pipeInput('a', 'x', 5); // replayed event time: not late
    expect(driver.getWindowStore<string, number>('counts').fetch('a', 0)).to.equal(1);
  });
});
