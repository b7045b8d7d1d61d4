import { expect } from 'chai';
import { SerialLock } from './serial-lock.js';

describe('SerialLock', () => {
  it('runs sections one at a time in call order, and a failure does not block the next', async () => {
    const lock = new SerialLock();
    const events: string[] = [];
    const section = (name: string, ms: number, fail = false) => async () => {
      events.push(`${name}:start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${name}:end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([lock.run(section('a', 20)), lock.run(section('b', 1, true)), lock.run(section('c', 1))]);
    expect(events).to.deep.equal(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
  });
});
