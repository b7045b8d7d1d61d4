import { expect } from 'chai';
import { ConfigError } from '../errors.js';
import {
  capToBrokerCount,
  planTopicChanges,
  sameConfigValue,
  validateTopicSpecs,
  type CurrentTopicState,
} from './topic-reconciler.js';
import type { TopicSpec } from './topics.js';

const raw: TopicSpec = {
  name: 'logs.raw',
  purpose: 'test',
  partitions: 12,
  replicationFactor: 3,
  config: { 'retention.ms': '604800000', 'cleanup.policy': 'delete', 'min.insync.replicas': '2' },
};

function state(partial: Partial<CurrentTopicState> = {}): CurrentTopicState {
  return {
    partitions: 12,
    replicationFactor: 3,
    config: { 'retention.ms': '604800000', 'cleanup.policy': 'delete', 'min.insync.replicas': '2', 'segment.bytes': '1073741824' },
    overrides: { 'retention.ms': '604800000', 'min.insync.replicas': '2' },
    ...partial,
  };
}

describe('topic reconciler planning', () => {
  it('creates every topic that does not exist', () => {
    const plan = planTopicChanges([raw], new Map());
    expect(plan.create.map((t) => t.name)).to.deep.equal(['logs.raw']);
    expect(plan.unchanged).to.deep.equal([]);
  });

  it('plans nothing when the cluster already matches', () => {
    const plan = planTopicChanges([raw], new Map([['logs.raw', state()]]));
    expect(plan).to.deep.equal({ create: [], increasePartitions: [], alterConfigs: [], unchanged: ['logs.raw'], warnings: [] });
  });

  it('raises a partition count that is too low', () => {
    const plan = planTopicChanges([raw], new Map([['logs.raw', state({ partitions: 6 })]]));
    expect(plan.increasePartitions).to.deep.equal([{ topic: 'logs.raw', from: 6, to: 12 }]);
    expect(plan.unchanged).to.deep.equal([]);
  });

  it('never lowers a partition count, and says so', () => {
    const plan = planTopicChanges([raw], new Map([['logs.raw', state({ partitions: 24 })]]));
    expect(plan.increasePartitions).to.deep.equal([]);
    expect(plan.warnings).to.have.length(1);
    expect(plan.warnings[0]).to.match(/has 24 partitions, declared 12/);
    expect(plan.unchanged).to.deep.equal(['logs.raw']);
  });

  it('reports a replication factor it cannot change', () => {
    const plan = planTopicChanges([raw], new Map([['logs.raw', state({ replicationFactor: 1 })]]));
    expect(plan.warnings.join('\n')).to.match(/replication factor is 1, declared 3/);
  });

  it('alters differing configs and keeps undeclared overrides in the set it sends', () => {
    const current = state({
      config: { ...state().config, 'retention.ms': '3600000', 'max.message.bytes': '2000000' },
      overrides: { 'retention.ms': '3600000', 'max.message.bytes': '2000000' },
    });
    const plan = planTopicChanges([raw], new Map([['logs.raw', current]]));
    expect(plan.alterConfigs).to.have.length(1);
    const [alteration] = plan.alterConfigs;
    expect(alteration?.changes).to.deep.equal([{ name: 'retention.ms', from: '3600000', to: '604800000' }]);
    expect(alteration?.overrides).to.deep.equal({
      'retention.ms': '604800000',
      'max.message.bytes': '2000000',
      'cleanup.policy': 'delete',
      'min.insync.replicas': '2',
    });
  });

  it('treats a declared value equal to the broker default as matching', () => {
    const current = state({ overrides: {} });
    expect(planTopicChanges([raw], new Map([['logs.raw', current]])).alterConfigs).to.deep.equal([]);
  });

  it('compares cleanup.policy lists regardless of order and spaces', () => {
    expect(sameConfigValue('cleanup.policy', 'compact,delete', 'delete, compact')).to.equal(true);
    expect(sameConfigValue('cleanup.policy', 'compact', 'compact,delete')).to.equal(false);
    expect(sameConfigValue('retention.ms', '1', undefined)).to.equal(false);
  });
});

describe('capToBrokerCount', () => {
  it('caps replication factor and min.insync.replicas on a single broker, with warnings', () => {
    const { spec, warnings } = capToBrokerCount(raw, 1);
    expect(spec.replicationFactor).to.equal(1);
    expect(spec.config['min.insync.replicas']).to.equal('1');
    expect(warnings).to.deep.equal([
      'topic logs.raw: replication factor 3 capped at 1, min.insync.replicas 2 capped at 1 (cluster has 1 broker(s))',
    ]);
  });

  it('leaves a spec alone when the cluster is big enough', () => {
    const { spec, warnings } = capToBrokerCount(raw, 3);
    expect(spec).to.deep.equal(raw);
    expect(warnings).to.deep.equal([]);
  });

  it('does not mutate the declared spec', () => {
    capToBrokerCount(raw, 1);
    expect(raw.config['min.insync.replicas']).to.equal('2');
  });
});

describe('validateTopicSpecs', () => {
  it('rejects duplicates, bad names and non-positive counts with the offending key', () => {
    const cases: [TopicSpec[], string][] = [
      [[raw, raw], 'topics[1].name'],
      [[{ ...raw, name: 'bad name' }], 'topics[0].name'],
      [[{ ...raw, partitions: 0 }], 'topics[0].partitions'],
      [[{ ...raw, replicationFactor: 1.5 }], 'topics[0].replicationFactor'],
    ];
    for (const [topics, key] of cases) {
      expect(() => validateTopicSpecs(topics)).to.throw(ConfigError).with.property('key', key);
    }
  });
});
