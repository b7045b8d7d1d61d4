import { expect } from 'chai';
import { BufferingRecordCollector } from './record-collector.js';

describe('BufferingRecordCollector', () => {
  const record = (n: number) => ({ topic: 't', key: null, value: Buffer.from(String(n)), timestamp: n, headers: {} });

  it('buffers in send order until drained, then starts empty', () => {
    const collector = new BufferingRecordCollector();
    collector.send(record(1));
    collector.send(record(2));
    expect(collector.size).to.equal(2);
    expect(collector.drain().map((r) => r.timestamp)).to.deep.equal([1, 2]);
    expect(collector.size).to.equal(0);
    expect(collector.drain()).to.deep.equal([]);
  });

  it('discards buffered records', () => {
    const collector = new BufferingRecordCollector();
    collector.send(record(1));
    collector.discard();
    expect(collector.drain()).to.deep.equal([]);
  });
});
