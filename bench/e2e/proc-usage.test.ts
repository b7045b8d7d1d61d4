import { expect } from 'chai';
import { coresBetween, parseProcStat, parseVmRssKiB, withDescendants, type ProcStat } from './proc-usage.js';

describe('proc-usage', () => {
  it('parses /proc/<pid>/stat, even with spaces and parentheses in the name', () => {
    const line = '4242 (java (main) x) S 17 4242 4242 0 -1 4194560 12 0 0 0 150 25 0 0 20 0 30 0 100 0 0\n';
    expect(parseProcStat(line)).to.deep.equal({ pid: 4242, comm: 'java (main) x', ppid: 17, cpuTicks: 175 });
    expect(() => parseProcStat('garbage')).to.throw(TypeError);
  });

  it('reads VmRSS in KiB, 0 when there is none', () => {
    expect(parseVmRssKiB('Name:\tnode\nVmPeak:\t 900 kB\nVmRSS:\t  123456 kB\nThreads:\t11\n')).to.equal(123456);
    expect(parseVmRssKiB('Name:\tkthreadd\nThreads:\t1\n')).to.equal(0);
  });

  it('collects descendants of the roots, not their siblings', () => {
    const stat = (pid: number, ppid: number): [number, ProcStat] => [pid, { pid, ppid, comm: 'x', cpuTicks: 0 }];
    const all = new Map([stat(1, 0), stat(10, 1), stat(11, 10), stat(12, 11), stat(20, 1), stat(21, 20)]);
    expect([...withDescendants([10], all)].sort()).to.deep.equal([10, 11, 12]);
    expect([...withDescendants([99], all)]).to.deep.equal([]);
  });

  it('turns tick deltas into cores, counting new pids from 0 and ignoring vanished ones', () => {
    const before = new Map([[1, 1000], [2, 500]]);
    const after = new Map([[1, 1600], [3, 400]]);
    // (600 + 400) ticks / 100 per s / 10 s = 1 core.
    expect(coresBetween(before, after, 10, 100)).to.equal(1);
    expect(coresBetween(before, after, 0, 100)).to.equal(0);
  });
});
