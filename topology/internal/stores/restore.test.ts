import { expect } from 'chai';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Serdes, StreamsBuilder, TimeWindows, type KeyValueStore, type WindowStore } from '../../index.js';
import { longSerde } from '../codecs/long-serde.js';
import { createStreamTasks, createTaskId, type OutgoingRecord, type RawRecord, type StreamTask } from '../stream-task.js';
import { createTopologyMetrics } from '../topology-metrics.js';
import type { StreamTaskImpl } from '../task/stream-task-impl.js';

const S = Serdes.String();

/** rules (table) + logs -> windowed count (grace 5) -> suppress -> final; plus a join on rules. */
function topology() {
  const builder = new StreamsBuilder();
  const rules = builder.table('rules', { keySerde: S, valueSerde: S, storeName: 'rules' });
  const logs = builder.stream('logs', { keySerde: S, valueSerde: S });
  logs.groupByKey().windowedBy(TimeWindows.ofSizeWithGrace(10, 5)).count({ name: 'counts' }).suppress('untilWindowCloses').toStream().map((w, n) => [`${w.key}@${w.startMs}`, n]).to('final', { keySerde: S, valueSerde: longSerde });
  logs.join(rules, (v, rule) => `${v}/${rule}`).to('joined', { valueSerde: S });
  return builder.build();
}

function harness(registry?: Registry) {
  const sent: OutgoingRecord[] = [];
  const factory = createStreamTasks(topology(), {
    applicationId: 'app',
    partitions: new Map([
      ['logs', 2],
      ['rules', 2],
    ]),
    collector: () => ({ send: (r) => sent.push(r) }),
    ...(registry ? { metrics: createTopologyMetrics(registry) } : {}),
    logger: pino({ level: 'silent' }),
  });
  return { factory, sent, task: factory.createTask(createTaskId(0, 1)) };
}

let offset = 0;
function raw(topic: string, key: string, value: string | null, timestamp: number): RawRecord {
  return { topic, partition: 1, offset: String(offset++), key: Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp, headers: {} };
}

function feed(task: StreamTask, records: RawRecord[]): void {
  for (const record of records) task.process(record);
}

describe('store restoration from changelogs', () => {
  it('the task lists its stores and their changelog topics, and writes each store change to its changelog in its partition', () => {
    const { task, sent } = harness();
    expect([...task.storeNames].sort()).to.deep.equal(['KTABLE-SUPPRESS-STATE-STORE-0000000004', 'counts', 'rules']);
    expect(task.changelogTopics().get('counts')).to.equal('app-counts-changelog');
    expect(task.inputTopics).to.have.members(['rules', 'logs']);
    expect(task.streamTime()).to.equal(-1);
    feed(task, [raw('logs', 'a', 'x', 3), raw('logs', 'a', 'x', 2)]);
    expect(task.streamTime()).to.equal(3);
    const changelog = sent.filter((r) => r.topic === 'app-counts-changelog');
    expect(changelog).to.have.length(2);
    expect(changelog[0]!.partition).to.equal(1);
    expect(changelog[0]!.timestamp).to.equal(3);
    expect(changelog[0]!.key!.subarray(0, 1).toString()).to.equal('a');
    expect(longSerde.deserialize('', changelog[0]!.value)).to.equal(1);
  });

  it('a fresh task restored from the changelog records reproduces the stores and continues identically', () => {
    const input = [raw('rules', 'a', 'rule-a', 1), raw('rules', 'b', 'rule-b', 1), raw('rules', 'b', null, 2), raw('logs', 'a', 'x', 3), raw('logs', 'a', 'x', 4), raw('logs', 'b', 'x', 8), raw('logs', 'a', 'x', 12)];
    const rest = [raw('logs', 'a', 'x', 13), raw('logs', 'c', 'x', 30), raw('logs', 'b', 'y', 31)];

    // Reference: one task sees everything.
    const reference = harness();
    feed(reference.task, [...input, ...rest]);

    // Crash after `input`: a new task restores from the changelogs, then gets `rest`.
    const registry = new Registry();
    const first = harness();
    feed(first.task, input);
    const second = harness(registry);
    const restored = second.task;
    for (const [store, topic] of restored.changelogTopics()) {
      restored.restore(store, first.sent.filter((r) => r.topic === topic).map((r) => ({ key: r.key, value: r.value })));
    }
    const impl = restored as StreamTaskImpl;
    const firstImpl = first.task as StreamTaskImpl;
    expect([...(impl.store('rules') as KeyValueStore<string, string>).all()]).to.deep.equal([...(firstImpl.store('rules') as KeyValueStore<string, string>).all()]);
    expect((impl.store('counts') as WindowStore<string, number>).all()).to.deep.equal((firstImpl.store('counts') as WindowStore<string, number>).all());
    expect((impl.store('counts') as WindowStore<string, number>).fetch('a', 0)).to.equal(2);

    feed(restored, rest);
    const outputs = (sent: OutgoingRecord[]) => sent.filter((r) => r.topic === 'final' || r.topic === 'joined').map((r) => `${r.topic}:${r.key}=${r.topic === 'final' ? longSerde.deserialize('', r.value) : r.value}`);
    const afterCrash = [...outputs(first.sent), ...outputs(second.sent)];
    expect(afterCrash).to.deep.equal(outputs(reference.sent));
    expect(afterCrash).to.include.members(['final:a@0=2', 'final:b@0=1', 'final:a@10=2', 'joined:a=x/rule-a']);
  });

  it('counts restored records in sawmill_topology_restore_records_total', async () => {
    const registry = new Registry();
    const { task } = harness(registry);
    const key = Buffer.from('k');
    task.restore('rules', [{ key, value: Buffer.from('v1') }, { key, value: Buffer.from('v2') }, { key, value: null }]);
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'sawmill_topology_restore_records_total');
    expect(metric?.values.find((v) => v.labels['store'] === 'rules')?.value).to.equal(3);
    expect(((task as StreamTaskImpl).store('rules') as KeyValueStore<string, string>).get('k')).to.equal(undefined);
  });
});
