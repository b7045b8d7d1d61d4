import { expect } from 'chai';
import { offsetsByTopic, SEND_CHUNK, toTopicMessages } from './committer.js';

describe('committer helpers', () => {
  it('groups records by topic in chunks of SEND_CHUNK, keeping order and explicit partitions', () => {
    const records = Array.from({ length: SEND_CHUNK + 2 }, (_, i) => ({
      topic: i % 2 === 0 ? 'out' : 'app-store-changelog',
      ...(i % 2 === 0 ? {} : { partition: 3 }),
      key: Buffer.from(`k${i}`),
      value: null,
      timestamp: 1_000 + i,
      headers: { h: 'v' },
    }));
    const chunks = toTopicMessages(records);
    expect(chunks).to.have.length(2);
    expect(chunks[0]!.map((t) => t.topic)).to.deep.equal(['out', 'app-store-changelog']);
    expect(chunks[0]![0]!.messages[1]).to.deep.include({ timestamp: '1002', value: null });
    expect(chunks[0]![0]!.messages[0]).to.not.have.property('partition');
    expect(chunks[0]![1]!.messages[0]).to.have.property('partition', 3);
    expect(chunks.flatMap((c) => c.flatMap((t) => t.messages)).length).to.equal(records.length);
  });

  it('groups offsets per topic', () => {
    expect(offsetsByTopic([{ topic: 'a', partition: 0, offset: '5' }, { topic: 'b', partition: 1, offset: '2' }, { topic: 'a', partition: 2, offset: '9' }])).to.deep.equal([
      { topic: 'a', partitions: [{ partition: 0, offset: '5' }, { partition: 2, offset: '9' }] },
      { topic: 'b', partitions: [{ partition: 1, offset: '2' }] },
    ]);
  });
});
