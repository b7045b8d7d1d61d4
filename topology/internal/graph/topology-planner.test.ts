import { expect } from 'chai';
import { pino } from 'pino';
import { CopartitioningError, Serdes, StreamsBuilder, TimeWindows, TopologyError } from '../../index.js';
import { createStreamTasks } from '../stream-task.js';

const S = Serdes.String();
const logger = pino({ level: 'silent' });

function plan(topology: ReturnType<StreamsBuilder['build']>, partitions: Record<string, number>) {
  return createStreamTasks(topology, { applicationId: 'app', partitions: new Map(Object.entries(partitions)), collector: () => ({ send: () => undefined }), logger }).plan;
}

function groupByTopology() {
  const builder = new StreamsBuilder();
  builder
    .stream('logs', { keySerde: S, valueSerde: S })
    .groupBy((_k, v) => v, { keySerde: S, name: 'by-service' })
    .windowedBy(TimeWindows.ofSizeWithGrace(1000, 500))
    .count({ name: 'counts' })
    .toStream()
    .to('out', { valueSerde: Serdes.Json<number>() });
  return builder.build();
}

describe('topology planning', () => {
  it('gives repartition topics the partition count of their upstream sources and changelogs one partition per task', () => {
    const p = plan(groupByTopology(), { logs: 12 });
    expect(p.sourceTopics).to.deep.equal(['logs', 'app-by-service-repartition']);
    expect(p.internalTopics).to.deep.equal([
      { name: 'app-by-service-repartition', kind: 'repartition', partitions: 12, config: { 'cleanup.policy': 'delete', 'retention.ms': '-1' } },
      { name: 'app-counts-changelog', kind: 'changelog', partitions: 12, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': String(1500 + 86_400_000) } },
    ]);
    expect(p.subtopologies.map((s) => [s.id, s.sourceTopics, s.sinkTopics, s.storeNames, s.partitions])).to.deep.equal([
      [0, ['logs'], ['app-by-service-repartition'], [], 12],
      [1, ['app-by-service-repartition'], ['out'], ['counts'], 12],
    ]);
    expect(p.subtopologyOf('app-by-service-repartition')).to.equal(1);
    expect(p.taskIds().map(String)).to.have.length(24);
    expect(String(p.taskIds()[13])).to.equal('1_1');
  });

  it('throws CopartitioningError when a stream and the table it joins differ in partitions', () => {
    const builder = new StreamsBuilder();
    const table = builder.table('rules', { keySerde: S, valueSerde: S });
    builder.stream('events', { keySerde: S, valueSerde: S }).join(table, (a, b) => a + b).to('out', { valueSerde: S });
    const topology = builder.build();
    expect(() => plan(topology, { rules: 3, events: 12 }))
      .to.throw(CopartitioningError)
      .with.property('message')
      .that.contains('events=12');
    expect(plan(topology, { rules: 12, events: 12 }).subtopologies[0]!.partitions).to.equal(12);
  });

  it('sizes a repartition topic feeding a join like the table it is joined with', () => {
    const builder = new StreamsBuilder();
    const table = builder.table('rules', { keySerde: S, valueSerde: S });
    builder.stream('events', { keySerde: S, valueSerde: S }).selectKey((_k, v) => v).join(table, (a, b) => a + b).to('out', { valueSerde: S });
    const p = plan(builder.build(), { rules: 4, events: 12 });
    expect(p.internalTopics.find((t) => t.kind === 'repartition')!.partitions).to.equal(4);
  });

  it('throws TopologyError when a source topic partition count is missing', () => {
    expect(() => plan(groupByTopology(), {})).to.throw(TopologyError, /logs/);
  });

  it('key-value changelogs are compacted', () => {
    const builder = new StreamsBuilder();
    builder.table('rules', { keySerde: S, valueSerde: S, storeName: 'rules-store' });
    expect(plan(builder.build(), { rules: 2 }).internalTopics).to.deep.equal([
      { name: 'app-rules-store-changelog', kind: 'changelog', partitions: 2, config: { 'cleanup.policy': 'compact' } },
    ]);
  });
});
