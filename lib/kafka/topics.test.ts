import { expect } from 'chai';
import { validateTopicSpecs } from './topic-reconciler.js';
import { SAWMILL_TOPICS, topicSpec } from './topics.js';

describe('declared Sawmill topics', () => {
  it('is a valid declaration', () => {
    expect(() => validateTopicSpecs(SAWMILL_TOPICS)).not.to.throw();
  });

  it('holds the partition counts the design relies on', () => {
    const partitions = Object.fromEntries(SAWMILL_TOPICS.map((t) => [t.name, t.partitions]));
    expect(partitions).to.deep.equal({
      'logs.raw': 12,
      'logs.enriched': 12,
      'logs.dlq': 3,
      'stats.windowed': 6,
      alerts: 3,
      'alert-rules': 1,
      'sawmill.canary': 1,
    });
  });

  it('compacts alert-rules so the topology can read it as a table', () => {
    expect(topicSpec('alert-rules').config['cleanup.policy']).to.equal('compact');
  });

  it('gives every topic a purpose', () => {
    for (const topic of SAWMILL_TOPICS) expect(topic.purpose, topic.name).to.match(/\w{3,}/);
  });
});
