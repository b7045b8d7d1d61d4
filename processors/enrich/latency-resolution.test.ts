import { expect } from 'chai';
import { resolveLatency } from './latency-resolution.js';

const OPTIONS = { maxLatencyMs: 30 * 86_400_000, latencyFromText: true };

describe('resolveLatency', () => {
  it("takes the agent's latencyMs", () => {
    expect(resolveLatency({ format: 'json', latencyMs: '12.5' }, 'took 99ms', OPTIONS)).to.deep.equal({ latencyMs: 12.5, fromLatencyField: true });
  });
  it('does not re-scan an agent-parsed event that had no latency (the source decided)', () => {
    expect(resolveLatency({ format: 'plain' }, 'took 99ms', OPTIONS)).to.deep.equal({ latencyMs: null, fromLatencyField: false });
  });
  it('reads fields, then text, for events no agent parser read', () => {
    expect(resolveLatency({ duration_ms: '250' }, '', OPTIONS)).to.deep.equal({ latencyMs: 250, fromLatencyField: false });
    expect(resolveLatency({ request_time: '0.045' }, '', OPTIONS).latencyMs).to.be.closeTo(45, 1e-9);
    expect(resolveLatency({ duration: '1.2s' }, '', OPTIONS)).to.deep.equal({ latencyMs: 1200, fromLatencyField: false });
    expect(resolveLatency({}, 'request took 123ms', OPTIONS)).to.deep.equal({ latencyMs: 123, fromLatencyField: false });
    expect(resolveLatency({}, 'done duration=1.2s', OPTIONS)).to.deep.equal({ latencyMs: 1200, fromLatencyField: false });
    expect(resolveLatency({}, 'GET / 200 rt=0.045', OPTIONS).latencyMs).to.be.closeTo(45, 1e-9);
    expect(resolveLatency({}, 'request took 123ms', { ...OPTIONS, latencyFromText: false })).to.deep.equal({ latencyMs: null, fromLatencyField: false });
  });
  it('ignores values that are not latencies', () => {
    for (const latencyMs of ['NaN', 'Infinity', '-5', '1e309', '', ' ', 'abc', String(31 * 86_400_000)]) {
      expect(resolveLatency({ format: 'json', latencyMs }, '', OPTIONS), latencyMs).to.deep.equal({ latencyMs: null, fromLatencyField: false });
    }
  });
});
