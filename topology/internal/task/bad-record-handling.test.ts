import { expect } from 'chai';
import { Registry } from 'prom-client';
import { BadRecordError, SerializationError, Serdes, StreamsBuilder, TimeWindows, TopologyTestDriver, type BadRecordHandling } from '../../index.js';
import { DLQ_HEADERS } from '../bad-record-handling.js';
import type { Serde } from '../serdes/serde.js';

const S = Serdes.String();
const B = Serdes.Buffer();
const Event = Serdes.Json<{ n: number }>();

function build(badRecordHandling: BadRecordHandling, registry = new Registry()) {
  const builder = new StreamsBuilder();
  builder.stream('in', { keySerde: S, valueSerde: Event }).mapValues((e) => e.n * 2).to('out', { valueSerde: Serdes.Json<number>() });
  const driver = new TopologyTestDriver(builder.build(), { badRecordHandling, registry });
  return { driver, registry, input: driver.createInputTopic('in', S, B), out: driver.createOutputTopic('out', S, Serdes.Json<number>()) };
}

async function counter(registry: Registry, name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []).reduce((sum, v) => sum + Number(v.value), 0);
}

describe('bad-record handling', () => {
  it('log-and-continue skips a poison record, counts it and keeps processing', async () => {
    const { input, out, registry } = build('log-and-continue');
    input.pipeInput('a', Buffer.from('{"n":1}'), 1);
    input.pipeInput('b', Buffer.from('{not json'), 2);
    input.pipeInput('c', Buffer.from('{"n":3}'), 3);
    expect(out.readKeyValuesToList()).to.deep.equal([
      ['a', 2],
      ['c', 6],
    ]);
    expect(await counter(registry, 'sawmill_topology_skipped_records_total')).to.equal(1);
  });

  it('log-and-fail throws BadRecordError with the reason and where the record was read', () => {
    const { input, out } = build('log-and-fail');
    input.pipeInput('a', Buffer.from('{"n":1}'), 1);
    let thrown: unknown;
    try {
      input.pipeInput('b', Buffer.from('{not json'), 2);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(BadRecordError);
    const error = thrown as BadRecordError;
    expect(error.reason).to.equal('serialization-error');
    expect(error.origin).to.deep.include({ topic: 'in', partition: 0, offset: '1', processor: 'KSTREAM-SOURCE-0000000000', timestamp: 2 });
    expect(out.readKeyValuesToList()).to.deep.equal([['a', 2]]);
  });

  it('dead-letter keeps the original bytes and puts the reason and origin in headers', async () => {
    const { input, out, driver, registry } = build({ deadLetterTopic: 'in.dlq' });
    input.pipeInput('bad-key', Buffer.from('{not json'), 42, { trace: 't-1' });
    input.pipeInput('a', Buffer.from('{"n":5}'), 43);
    expect(out.readKeyValuesToList()).to.deep.equal([['a', 10]]);
    const [dead, ...rest] = driver.createOutputTopic('in.dlq', S, B).readRecordsToList();
    expect(rest).to.have.length(0);
    expect(dead!.key).to.equal('bad-key');
    expect(dead!.value!.toString()).to.equal('{not json');
    expect(dead!.timestamp).to.equal(42);
    const header = (name: string) => String(dead!.headers[name]);
    expect(header(DLQ_HEADERS.reason)).to.match(/^serialization-error: /);
    expect(header(DLQ_HEADERS.sourceTopic)).to.equal('in');
    expect(header(DLQ_HEADERS.sourcePartition)).to.equal('0');
    expect(header(DLQ_HEADERS.sourceOffset)).to.equal('0');
    expect(header(DLQ_HEADERS.processor)).to.equal('KSTREAM-SOURCE-0000000000');
    expect(header(DLQ_HEADERS.timestamp)).to.equal('42');
    expect(header('trace')).to.equal('t-1');
    expect(await counter(registry, 'sawmill_topology_dead_letters_total')).to.equal(1);
  });

  it('a record that cannot be encoded at a sink is a bad record too', () => {
    const failing: Serde<string> = {
      serialize: () => {
        throw new Error('cannot encode');
      },
      deserialize: (_topic, data) => data?.toString() ?? null,
    };
    const b2 = new StreamsBuilder();
    b2.stream('in', { keySerde: S, valueSerde: S }).to('out', { valueSerde: failing });
    const driver = new TopologyTestDriver(b2.build(), { badRecordHandling: { deadLetterTopic: 'dlq' } });
    driver.createInputTopic('in', S, S).pipeInput('k', 'v', 1);
    const [dead] = driver.createOutputTopic('dlq', S, S).readRecordsToList();
    expect(String(dead!.headers[DLQ_HEADERS.processor])).to.equal('KSTREAM-SINK-0000000001');
    expect(dead!.value).to.equal('v');
  });

  it('late records go to the dead-letter topic when one is configured, and are only counted otherwise', async () => {
    const run = (handling: BadRecordHandling) => {
      const registry = new Registry();
      const builder = new StreamsBuilder();
      builder.stream('in', { keySerde: S, valueSerde: S }).groupByKey().windowedBy(TimeWindows.ofSizeWithGrace(10, 0)).count().toStream().to('out', { valueSerde: Serdes.Json<number>() });
      const driver = new TopologyTestDriver(builder.build(), { badRecordHandling: handling, registry });
      const input = driver.createInputTopic('in', S, S);
      input.pipeInput('a', 'x', 5);
      input.pipeInput('a', 'x', 20);
      input.pipeInput('a', 'late', 9);
      return { driver, registry };
    };
    const dlq = run({ deadLetterTopic: 'dlq' });
    const [dead] = dlq.driver.createOutputTopic('dlq', S, S).readRecordsToList();
    expect(dead!.value).to.equal('late');
    expect(String(dead!.headers[DLQ_HEADERS.reason])).to.match(/^late-record: event time 9/);
    expect(String(dead!.headers[DLQ_HEADERS.processor])).to.match(/^KSTREAM-AGGREGATE-/);
    expect(await counter(dlq.registry, 'sawmill_topology_late_records_total')).to.equal(1);

    const failing = run('log-and-fail'); // late records never fail the task
    expect(failing.driver.producedRecords('dlq')).to.have.length(0);
    expect(await counter(failing.registry, 'sawmill_topology_late_records_total')).to.equal(1);
  });

  it('runs serde preparation before processing, and a record failing preparation is a poison record', async () => {
    const prepared: string[] = [];
    const preparing: Serde<string> = {
      serialize: (_topic, value) => (value === null ? null : Buffer.from(value)),
      deserialize: (_topic, data) => data?.toString() ?? null,
      prepare: async (topic, data) => {
        await Promise.resolve();
        if (data?.toString() === 'unknown-schema') throw new SerializationError('unknown schema id 42', topic);
        prepared.push(data?.toString() ?? '');
      },
    };
    const builder = new StreamsBuilder();
    builder.stream('in', { keySerde: S, valueSerde: preparing }).to('out');
    const driver = new TopologyTestDriver(builder.build(), { badRecordHandling: { deadLetterTopic: 'dlq' } });
    const input = driver.createInputTopic('in', S, S);
    await input.pipeInputAsync('k', 'fine', 1);
    await input.pipeInputAsync('k', 'unknown-schema', 2);
    expect(prepared).to.deep.equal(['fine']);
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).to.deep.equal([['k', 'fine']]);
    const [dead] = driver.createOutputTopic('dlq', S, S).readRecordsToList();
    expect(String(dead!.headers[DLQ_HEADERS.reason])).to.equal('serialization-error: unknown schema id 42');
  });
});
