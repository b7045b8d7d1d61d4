import { expect } from 'chai';
import { parseZookeeper } from './zookeeper.js';

describe('parseZookeeper', () => {
  it('reads padded level and a thread containing brackets and colons', () => {
    const p = parseZookeeper('2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200', {});
    expect(p).to.deep.include({ level: 'INFO', levelText: 'INFO', timestampMs: Date.UTC(2015, 6, 29, 17, 41, 44, 747), message: 'Notification time out: 3200', format: 'zookeeper' });
    expect(p?.fields).to.deep.equal({ thread: 'QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181', component: 'FastLeaderElection', line: 774 });
  });
  it('rejects a line without the closing "] - "', () => {
    expect(parseZookeeper('2015-07-29 17:41:44,747 - WARN  [x:Y@1 no end', {})).to.equal(undefined);
  });
});
