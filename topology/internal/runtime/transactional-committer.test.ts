import { expect } from 'chai';
import type { Admin, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { TransactionalCommitter } from './transactional-committer.js';

/** A kafkajs-like transactional producer: its transactions commit, or fail as scripted, and it records what happened. */
class FakeProducer {
  events: string[] = [];
  /** Outcomes of the next transactions' commit and abort, in order; absent means success. */
  script: { commit?: Error; abort?: Error }[] = [];
  constructor(readonly name: string) {}

  connect = async (): Promise<void> => void this.events.push('connect');
  disconnect = async (): Promise<void> => void this.events.push('disconnect');
  transaction = async () => {
    this.events.push('begin');
    const outcome = this.script.shift() ?? {};
    return {
      sendBatch: async () => [],
      sendOffsets: async () => void this.events.push('sendOffsets'),
      commit: async () => {
        if (outcome.commit) throw outcome.commit;
        this.events.push('commit');
      },
      abort: async () => {
        if (outcome.abort) throw outcome.abort;
        this.events.push('abort');
      },
    };
  };
}

const OFFSETS = [{ topic: 'in', partition: 0, offset: '5' }];

async function committerWith(producers: FakeProducer[]): Promise<{ committer: TransactionalCommitter; created: () => number }> {
  let created = 0;
  const kafka = {
    producer: () => {
      const next = producers[created];
      if (next === undefined) throw new Error('no more producers scripted');
      created += 1;
      return next;
    },
  } as unknown as Kafka;
  // Offsets sent in a transaction are checked visible through the admin: report them committed at once.
  const admin = {
    fetchTopicOffsets: async () => [],
    fetchOffsets: async () => [{ topic: 'in', partitions: [{ partition: 0, offset: '5', metadata: null }] }],
  } as unknown as Admin;
  const committer = await TransactionalCommitter.create({ kafka, admin, changelogTopics: new Set(), consumerGroupId: 'app', transactionalId: 'app-1', logger: pino({ level: 'silent' }) });
  return { committer, created: () => created };
}

describe('TransactionalCommitter', () => {
  it('keeps its producer when a failed transaction aborts cleanly', async () => {
    const first = new FakeProducer('first');
    first.script = [{ commit: new Error('commit failed') }];
    const { committer, created } = await committerWith([first]);
    await committer.commit([], OFFSETS).then(
      () => expect.fail('the commit should fail'),
      (error: Error) => expect(error.message).to.equal('commit failed'),
    );
    await committer.commit([], OFFSETS);
    expect(created()).to.equal(1);
    expect(first.events).to.deep.equal(['connect', 'begin', 'sendOffsets', 'abort', 'begin', 'sendOffsets', 'commit']);
  });

  it('replaces a producer wedged by a transaction that could neither commit nor abort, before anything else reads offsets', async () => {
    const first = new FakeProducer('first');
    // What kafkajs does when the coordinator dies during EndTxn: the state stays COMMITTING.
    first.script = [{ commit: new Error('coordinator gone'), abort: new Error('Transaction state exception: Cannot call "abort" in state "COMMITTING"') }];
    const second = new FakeProducer('second');
    const { committer, created } = await committerWith([first, second]);
    await committer.commit([], OFFSETS).then(
      () => expect.fail('the commit should fail'),
      (error: Error) => expect(error.message).to.equal('coordinator gone'),
    );
    expect(created(), 'not replaced before the next settle').to.equal(1);
    // The runtime settles before it rewinds (reads committed offsets): the new producer's
    // InitProducerId (connect) must have happened by then.
    await committer.settle();
    expect(created()).to.equal(2);
    expect(first.events.at(-1)).to.equal('disconnect');
    expect(second.events).to.deep.equal(['connect']);
    await committer.commit([], OFFSETS);
    expect(second.events).to.deep.equal(['connect', 'begin', 'sendOffsets', 'commit']);
    expect(first.events.filter((event) => event === 'begin')).to.have.length(1);
  });

  it('tries the replacement again at the next settle when the new producer cannot connect', async () => {
    const first = new FakeProducer('first');
    first.script = [{ commit: new Error('coordinator gone'), abort: new Error('cannot abort') }];
    const unreachable = new FakeProducer('unreachable');
    unreachable.connect = async () => {
      throw new Error('no broker');
    };
    const third = new FakeProducer('third');
    const { committer, created } = await committerWith([first, unreachable, third]);
    await committer.commit([], OFFSETS).catch(() => undefined);
    await committer.settle().then(
      () => expect.fail('settle should fail while no producer can connect'),
      (error: Error) => expect(error.message).to.equal('no broker'),
    );
    expect(unreachable.events, 'the producer that could not connect is closed').to.deep.equal(['disconnect']);
    await committer.settle();
    expect(created()).to.equal(3);
    await committer.commit([], OFFSETS);
    expect(third.events).to.deep.equal(['connect', 'begin', 'sendOffsets', 'commit']);
  });
});
