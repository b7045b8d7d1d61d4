import { expect } from 'chai';
import { parseHadoop } from './hadoop.js';

describe('parseHadoop', () => {
  it('reads time with millis, level, thread with spaces and logger', () => {
    const p = parseHadoop('2015-10-18 18:05:16,034 WARN [IPC Server handler 0 on 62270] org.apache.hadoop.ipc.Server: IPC Server handler 0 on 62270, call x', {});
    expect(p).to.deep.include({ level: 'WARN', timestampMs: Date.UTC(2015, 9, 18, 18, 5, 16, 34), message: 'IPC Server handler 0 on 62270, call x', format: 'hadoop' });
    expect(p?.fields).to.deep.equal({ thread: 'IPC Server handler 0 on 62270', component: 'org.apache.hadoop.ipc.Server' });
  });
  it('rejects ZooKeeper-style lines', () => {
    expect(parseHadoop('2015-07-29 17:41:44,747 - INFO  [x:Y@1] - z', {})).to.equal(undefined);
  });
});
