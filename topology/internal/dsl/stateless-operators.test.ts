import { expect } from 'chai';
import { Serdes, StreamsBuilder, TopologyTestDriver, type KStream } from '../../index.js';

const S = Serdes.String();
const J = Serdes.Json<{ level: string; n: number }>();

/** Builds input -> (pipeline) -> output and returns the driver with its topics. */
function drive<V>(pipeline: (input: KStream<string, { level: string; n: number }>) => KStream<string, V>, outValue: ReturnType<typeof Serdes.Json<V>>) {
  const builder = new StreamsBuilder();
  pipeline(builder.stream('in', { keySerde: S, valueSerde: J })).to('out', { keySerde: S, valueSerde: outValue });
  const driver = new TopologyTestDriver(builder.build());
  return { driver, input: driver.createInputTopic('in', S, J), output: driver.createOutputTopic('out', S, outValue) };
}

describe('stateless operators (through the test driver)', () => {
  it('filter keeps matching records and filterNot the others', () => {
    const builder = new StreamsBuilder();
    const input = builder.stream('in', { keySerde: S, valueSerde: J });
    input.filter((_k, v) => v.level === 'error').to('errors');
    input.filterNot((_k, v) => v.level === 'error').to('rest');
    const driver = new TopologyTestDriver(builder.build());
    const topic = driver.createInputTopic('in', S, J);
    topic.pipeInput('a', { level: 'error', n: 1 }, 10);
    topic.pipeInput('b', { level: 'info', n: 2 }, 11);
    topic.pipeInput('c', { level: 'error', n: 3 }, 12);
    expect(driver.createOutputTopic('errors', S, J).readKeyValuesToList()).to.deep.equal([
      ['a', { level: 'error', n: 1 }],
      ['c', { level: 'error', n: 3 }],
    ]);
    expect(driver.createOutputTopic('rest', S, J).readKeyValuesToList()).to.deep.equal([['b', { level: 'info', n: 2 }]]);
  });

  it('map replaces key and value and keeps the timestamp and headers', () => {
    const out = Serdes.Json<number>();
    const { input, output } = drive((s) => s.map((k, v) => [`${k}:${v.level}`, v.n * 10]), out);
    input.pipeInput('a', { level: 'warn', n: 4 }, 1234, { trace: 'x' });
    const record = output.readRecord();
    expect([record.key, record.value, record.timestamp]).to.deep.equal(['a:warn', 40, 1234]);
    expect(String(record.headers['trace'])).to.equal('x');
    expect(output.isEmpty()).to.equal(true);
  });

  it('mapValues replaces the value and sees the key', () => {
    const out = Serdes.Json<string>();
    const { input, output } = drive((s) => s.mapValues((v, k) => `${k}/${v.level}/${v.n}`), out);
    input.pipeInput('h1', { level: 'info', n: 7 }, 1);
    expect(output.readKeyValue()).to.deep.equal(['h1', 'h1/info/7']);
  });

  it('flatMap emits zero or more records per input', () => {
    const out = Serdes.Json<number>();
    const { input, output } = drive((s) => s.flatMap((k, v) => Array.from({ length: v.n }, (_, i): [string, number] => [`${k}-${i}`, i])), out);
    input.pipeInput('a', { level: 'x', n: 0 }, 1);
    input.pipeInput('b', { level: 'x', n: 3 }, 2);
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['b-0', 0],
      ['b-1', 1],
      ['b-2', 2],
    ]);
  });

  it('flatMapValues keeps the key for every value', () => {
    const out = Serdes.Json<string>();
    const { input, output } = drive((s) => s.flatMapValues((v) => v.level.split(',')), out);
    input.pipeInput('k', { level: 'a,b', n: 0 }, 1);
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['k', 'a'],
      ['k', 'b'],
    ]);
  });

  it('peek sees every record and passes it on unchanged', () => {
    const seen: string[] = [];
    const { input, output } = drive((s) => s.peek((k, v) => seen.push(`${k}=${v.n}`)), J);
    input.pipeInput('a', { level: 'i', n: 1 }, 1);
    input.pipeInput('b', { level: 'i', n: 2 }, 2);
    expect(seen).to.deep.equal(['a=1', 'b=2']);
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['a', { level: 'i', n: 1 }],
      ['b', { level: 'i', n: 2 }],
    ]);
  });

  it('selectKey sets a new key and keeps the value', () => {
    const { input, output } = drive((s) => s.selectKey((_k, v) => v.level), J);
    input.pipeInput('a', { level: 'error', n: 1 }, 1);
    expect(output.readKeyValue()).to.deep.equal(['error', { level: 'error', n: 1 }]);
  });

  it('split sends each record to the first matching branch, the rest to the default branch', () => {
    const builder = new StreamsBuilder();
    const branches = builder
      .stream('in', { keySerde: S, valueSerde: J })
      .split('route')
      .branch((_k, v) => v.n > 100, { name: 'big' })
      .branch((_k, v) => v.n > 10, { name: 'medium' })
      .defaultBranch({ name: 'small' });
    branches.big.to('big');
    branches.medium.to('medium');
    branches.small.to('small');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', S, J);
    for (const [k, n] of [['a', 500], ['b', 50], ['c', 5], ['d', 101]] as const) input.pipeInput(k, { level: 'x', n }, 1);
    const keys = (t: string) => driver.createOutputTopic(t, S, J).readKeyValuesToList().map(([k]) => k);
    expect(keys('big')).to.deep.equal(['a', 'd']);
    expect(keys('medium')).to.deep.equal(['b']);
    expect(keys('small')).to.deep.equal(['c']);
  });

  it('split without a default branch drops unmatched records', () => {
    const builder = new StreamsBuilder();
    const branches = builder.stream('in', { keySerde: S, valueSerde: J }).split().branch((_k, v) => v.level === 'error', { name: 'errors' }).noDefaultBranch();
    branches.errors.to('errors');
    const driver = new TopologyTestDriver(builder.build());
    const input = driver.createInputTopic('in', S, J);
    input.pipeInput('a', { level: 'info', n: 1 }, 1);
    input.pipeInput('b', { level: 'error', n: 1 }, 1);
    expect(driver.createOutputTopic('errors', S, J).readKeyValuesToList().map(([k]) => k)).to.deep.equal(['b']);
  });

  it('merge carries the records of both streams in arrival order', () => {
    const builder = new StreamsBuilder();
    const a = builder.stream('a', { keySerde: S, valueSerde: S });
    const b = builder.stream('b', { keySerde: S, valueSerde: S });
    a.merge(b).to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('a', S, S).pipeInput('1', 'from-a', 1);
    driver.createInputTopic('b', S, S).pipeInput('2', 'from-b', 2);
    driver.createInputTopic('a', S, S).pipeInput('3', 'from-a', 3);
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).to.deep.equal([
      ['1', 'from-a'],
      ['2', 'from-b'],
      ['3', 'from-a'],
    ]);
  });

  it('to writes with the stream serdes by default and with Produced serdes when given', () => {
    const builder = new StreamsBuilder();
    const input = builder.stream('in', { keySerde: S, valueSerde: S });
    input.to('same');
    input.mapValues((v) => v.length).to('lengths', { valueSerde: Serdes.Json<number>() });
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', S, S).pipeInput('k', 'hello', 5);
    const raw = driver.producedRecords('same');
    expect(raw.map((r) => [r.key?.toString(), r.value?.toString(), r.timestamp])).to.deep.equal([['k', 'hello', 5]]);
    expect(driver.createOutputTopic('lengths', S, Serdes.Json<number>()).readKeyValue()).to.deep.equal(['k', 5]);
  });

  it('to without a known serde fails at declaration, naming the operation', () => {
    const builder = new StreamsBuilder();
    const lengths = builder.stream('in', { keySerde: S, valueSerde: S }).mapValues((v) => v.length);
    expect(() => lengths.to('out')).to.throw(/to\(out\) value/);
  });

  it('passes tombstones (null values) through stateless operators', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', { keySerde: S, valueSerde: S }).filter((k) => k !== 'drop').to('out');
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', S, S).pipeInput('k', null, 1);
    expect(driver.createOutputTopic('out', S, S).readKeyValue()).to.deep.equal(['k', null]);
  });

  it('records written with to() to a topic the topology also reads are processed again', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', { keySerde: S, valueSerde: S }).mapValues((v) => `${v}!`).to('middle', { valueSerde: S });
    builder.stream('middle', { keySerde: S, valueSerde: S }).mapValues((v) => v.toUpperCase()).to('out', { valueSerde: S });
    const driver = new TopologyTestDriver(builder.build());
    driver.createInputTopic('in', S, S).pipeInput('k', 'hey', 1);
    expect(driver.createOutputTopic('out', S, S).readKeyValue()).to.deep.equal(['k', 'HEY!']);
  });
});
