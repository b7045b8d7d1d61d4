import { expect } from 'chai';
import { parseHdfs } from './hdfs.js';

describe('parseHdfs', () => {
  it('reads date, time (20yy, UTC), pid, level and component', () => {
    const p = parseHdfs('081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating', {});
    expect(p).to.deep.include({ level: 'INFO', levelText: 'INFO', timestampMs: Date.UTC(2008, 10, 9, 20, 36, 15), timestampText: '081109 203615', message: 'PacketResponder 1 for block blk_38865049064139660 terminating', format: 'hdfs' });
    expect(p?.fields).to.deep.equal({ pid: 148, component: 'dfs.DataNode$PacketResponder' });
  });
  it('honours the configured zone and rejects other lines', () => {
    expect(parseHdfs('081109 203615 148 WARN dfs.X: y', { timeZone: 'America/Los_Angeles' })?.timestampMs).to.equal(Date.UTC(2008, 10, 10, 4, 36, 15));
    expect(parseHdfs('081109 203615 148 NOPE dfs.X: y', {})).to.equal(undefined);
    expect(parseHdfs('081399 203615 148 INFO dfs.X: y', {})).to.equal(undefined);
  });
});
