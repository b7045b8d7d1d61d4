import { expect } from 'chai';
import { parseBashTimes, processCpuSeconds } from './process-cpu.js';

describe('process-cpu', () => {
  it('reads the children line of bash `times` as user plus system seconds', () => {
    expect(parseBashTimes('0m0.010s 0m0.002s\n1m2.500s 0m0.250s\n')).to.be.closeTo(62.75, 1e-9);
  });

  it('returns undefined when there is no times output', () => {
    expect(parseBashTimes('kcat: error\n')).to.equal(undefined);
  });

  it('reads a growing CPU time for this process from /proc', () => {
    const before = processCpuSeconds(process.pid);
    const until = Date.now() + 300;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).to.be.greaterThan(0);
    expect(processCpuSeconds(process.pid)).to.be.greaterThan(before);
  });

  it('throws for a process that does not exist', () => {
    expect(() => processCpuSeconds(2 ** 30)).to.throw();
  });
});
