import { expect } from 'chai';
import { murmur2, partitionForKey } from './murmur2-partitioner.js';

describe('murmur2 partitioner', () => {
  it('matches the Java client hash on its published test vectors', () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    const vectors: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [input, hash] of vectors) expect(murmur2(Buffer.from(input)), input).to.equal(hash);
  });

  it('picks a partition in range, the same one for the same key', () => {
    for (let i = 0; i < 200; i++) {
      const key = Buffer.from(`key-${i}`);
      const p = partitionForKey(key, 12);
      expect(p).to.be.within(0, 11);
      expect(partitionForKey(Buffer.from(`key-${i}`), 12)).to.equal(p);
    }
  });
});
