import { expect } from 'chai';
import { Serdes, StreamsBuilder, TimeWindows, TopologyTestDriver } from '../../index.js';
import { longSerde } from '../codecs/long-serde.js';
import { InvalidTopologyError } from '../errors.js';

const S = Serdes.String();
const Event = Serdes.Json<{ service: string }>();

describe('grouping and repartitioning', () => {
  it('groupBy routes records through the repartition topic and aggregates by the new key', () => {
    const builder = new StreamsBuilder();
    builder
      .stream('logs', { keySerde: S, valueSerde: Event })
      .groupBy((_host, e) => e.service, { keySerde: S })
      .windowedBy(TimeWindows.ofSizeWithGrace(100, 0))
      .count({ name: 'per-service' })
      .toStream()
      .map((w, n) => [w.key, n])
      .to('out', { keySerde: S, valueSerde: longSerde });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' });
    const input = driver.createInputTopic('logs', S, Event);
    input.pipeInput('host-1', { service: 'api' }, 1);
    input.pipeInput('host-2', { service: 'api' }, 2);
    input.pipeInput('host-1', { service: 'db' }, 3);
    const repartition = driver.createOutputTopic('app-per-service-repartition', S, Event).readRecordsToList();
    expect(repartition.map((r) => [r.key, r.value?.service, r.partition])).to.deep.equal([
      ['api', 'api', 0],
      ['api', 'api', 0],
      ['db', 'db', 0],
    ]);
    expect(driver.createOutputTopic('out', S, longSerde).readKeyValuesToList()).to.deep.equal([
      ['api', 1],
      ['api', 2],
      ['db', 1],
    ]);
    expect(driver.getWindowStore<string, number>('per-service').fetch('api', 0)).to.equal(2);
  });

  it('groupByKey after a key change (map) repartitions; after mapValues it does not', () => {
    const build = (changeKey: boolean) => {
      const builder = new StreamsBuilder();
      const stream = builder.stream('logs', { keySerde: S, valueSerde: S });
      const next = changeKey ? stream.map((k, v) => [v, k]) : stream.mapValues((v) => v.toUpperCase());
      next.groupByKey({ keySerde: S, valueSerde: S }).count({ name: 'c' });
      return new TopologyTestDriver(builder.build()).plan;
    };
    expect(build(true).subtopologies).to.have.length(2);
    expect(build(false).subtopologies).to.have.length(1);
  });

  it('non-windowed count keeps a running total per key', () => {
    const builder = new StreamsBuilder();
    builder.stream('logs', { keySerde: S, valueSerde: S }).groupByKey().count({ name: 'totals' }).toStream().to('out');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('logs', S, S);
    input.pipeKeyValueList([
      ['a', 'x', 1],
      ['b', 'x', 2],
      ['a', 'x', 3],
    ]);
    expect(driver.createOutputTopic('out', S, longSerde).readKeyValuesToList()).to.deep.equal([
      ['a', 1],
      ['b', 1],
      ['a', 2],
    ]);
    expect(driver.getKeyValueStore<string, number>('totals').get('a')).to.equal(2);
  });

  it('groupBy without a key serde fails at declaration', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream('logs', { keySerde: S, valueSerde: S }).groupBy((_k, v) => v.length);
    expect(() => grouped.windowedBy(TimeWindows.ofSizeWithGrace(10, 0)).count()).to.throw(InvalidTopologyError, /key/);
  });
});
