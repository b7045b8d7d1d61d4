import { mock } from 'node:test';
import { expect } from 'chai';
import { pino } from 'pino';
import { Gauge, Registry } from 'prom-client';
import type { PartitionOffset } from './committer.js';
import { LagSampler, type LagSamplerOptions, type OwnedPartitions } from './lag-sampler.js';

interface Bound {
  partition: number;
  low: string;
  high: string;
}

/** A fake admin over mutable watermarks and committed offsets, counting its calls and failing on demand. */
class FakeAdmin {
  bounds = new Map<string, Bound[]>();
  committed = new Map<string, { partition: number; offset: string }[]>();
  calls = 0;
  failWith: Error | undefined;
  /** When set, fetchTopicOffsets waits for it (a slow broker). */
  gate: Promise<void> | undefined;

  fetchOffsets = async ({ topics }: { groupId: string; topics?: string[] }): Promise<{ topic: string; partitions: { partition: number; offset: string; metadata: string | null }[] }[]> => {
    this.calls += 1;
    if (this.failWith) throw this.failWith;
    return (topics ?? []).map((topic) => ({ topic, partitions: (this.committed.get(topic) ?? []).map((p) => ({ ...p, metadata: null })) }));
  };

  fetchTopicOffsets = async (topic: string): Promise<(Bound & { offset: string })[]> => {
    this.calls += 1;
    await this.gate;
    if (this.failWith) throw this.failWith;
    return (this.bounds.get(topic) ?? []).map((b) => ({ ...b, offset: b.high }));
  };
}

interface Harness {
  admin: FakeAdmin;
  registry: Registry;
  gauge: Gauge<'topic' | 'partition'>;
  owned: { value: OwnedPartitions };
  pending: { value: PartitionOffset[] };
  warnings: string[];
  sampler: LagSampler;
}

function harness(overrides: Partial<LagSamplerOptions> = {}): Harness {
  const admin = new FakeAdmin();
  const registry = new Registry();
  const gauge = new Gauge<'topic' | 'partition'>({ name: 'test_lag_records', help: 'lag', labelNames: ['topic', 'partition'], registers: [registry] });
  const owned = { value: {} as OwnedPartitions };
  const pending = { value: [] as PartitionOffset[] };
  const warnings: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => {
    const entry = JSON.parse(line) as { level: number; msg: string };
    if (entry.level >= 40) warnings.push(entry.msg);
  } });
  const sampler = new LagSampler({
    admin: admin as unknown as LagSamplerOptions['admin'],
    groupId: 'app',
    gauge,
    assignment: () => owned.value,
    pending: () => pending.value,
    intervalMs: 5_000,
    logger,
    ...overrides,
  });
  return { admin, registry, gauge, owned, pending, warnings, sampler };
}

/** The gauge's samples as `topic/partition` → value. */
async function values(gauge: Gauge<'topic' | 'partition'>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { labels, value } of (await gauge.get()).values) out[`${String(labels.topic)}/${String(labels.partition)}`] = value;
  return out;
}

describe('LagSampler', () => {
  it('measures each owned partition from the pending position, else the committed offset, else the low watermark', async () => {
    const h = harness();
    h.admin.bounds.set('in', [
      { partition: 0, low: '0', high: '100' },
      { partition: 1, low: '0', high: '50' },
      { partition: 2, low: '7', high: '30' },
      { partition: 3, low: '0', high: '999' }, // owned by another instance: not reported here
    ]);
    h.admin.committed.set('in', [{ partition: 0, offset: '40' }, { partition: 1, offset: '20' }, { partition: 2, offset: '-1' }, { partition: 3, offset: '1' }]);
    h.owned.value = { in: [0, 1, 2] };
    h.pending.value = [{ topic: 'in', partition: 0, offset: '90' }];
    await h.sampler.sample();
    expect(await values(h.gauge)).to.deep.equal({ 'in/0': 10, 'in/1': 30, 'in/2': 23 });
  });

  it('keeps growing while nothing is processed (a stuck stream), and reports 0 rather than a negative lag', async () => {
    const h = harness();
    h.admin.bounds.set('in', [{ partition: 0, low: '0', high: '10' }]);
    h.admin.committed.set('in', [{ partition: 0, offset: '10' }]);
    h.owned.value = { in: [0] };
    await h.sampler.sample();
    expect(await values(h.gauge)).to.deep.equal({ 'in/0': 0 });
    h.admin.bounds.set('in', [{ partition: 0, low: '0', high: '250' }]);
    await h.sampler.sample();
    expect(await values(h.gauge)).to.deep.equal({ 'in/0': 240 });
    // Truncated topic (high below our position): no negative lag.
    h.admin.bounds.set('in', [{ partition: 0, low: '0', high: '3' }]);
    await h.sampler.sample();
    expect(await values(h.gauge)).to.deep.equal({ 'in/0': 0 });
  });

  it('stops reporting a partition once it is no longer owned, and reports nothing with no assignment', async () => {
    const h = harness();
    h.admin.bounds.set('a', [{ partition: 0, low: '0', high: '5' }, { partition: 1, low: '0', high: '8' }]);
    h.owned.value = { a: [0, 1] };
    await h.sampler.sample();
    expect(await values(h.gauge)).to.deep.equal({ 'a/0': 5, 'a/1': 8 });
    h.owned.value = { a: [1] };
    await h.sampler.sample();
    expect(await values(h.gauge)).to.deep.equal({ 'a/1': 8 });
    h.owned.value = {};
    const calls = h.admin.calls;
    await h.sampler.sample();
    expect(await values(h.gauge)).to.deep.equal({});
    expect(h.admin.calls).to.equal(calls);
  });

  it('keeps the last values when the broker fails, warns once per outage and never rejects', async () => {
    const h = harness();
    h.admin.bounds.set('in', [{ partition: 0, low: '0', high: '12' }]);
    h.owned.value = { in: [0] };
    await h.sampler.sample();
    h.admin.failWith = new Error('broker down');
    h.admin.bounds.set('in', [{ partition: 0, low: '0', high: '500' }]);
    await h.sampler.sample();
    await h.sampler.sample();
    expect(await values(h.gauge)).to.deep.equal({ 'in/0': 12 });
    expect(h.warnings).to.deep.equal(['consumer lag sample failed; keeping the last values']);
    h.admin.failWith = undefined;
    await h.sampler.sample();
    expect(await values(h.gauge)).to.deep.equal({ 'in/0': 500 });
  });

  it('refuses an interval that is not a positive number', () => {
    for (const intervalMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => harness({ intervalMs }), String(intervalMs)).to.throw(RangeError, /intervalMs/);
    }
  });

  describe('timer', () => {
    beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
    afterEach(() => mock.timers.reset());

    it('samples every interval once started, and no more once stopped', async () => {
      const h = harness({ intervalMs: 5_000 });
      h.admin.bounds.set('in', [{ partition: 0, low: '0', high: '7' }]);
      h.owned.value = { in: [0] };
      h.sampler.start();
      h.sampler.start(); // idempotent: still one timer
      mock.timers.tick(4_999);
      expect(h.admin.calls).to.equal(0);
      mock.timers.tick(1);
      await h.sampler.sample(); // joins the sample the timer started
      expect(h.admin.calls).to.equal(2);
      expect(await values(h.gauge)).to.deep.equal({ 'in/0': 7 });
      mock.timers.tick(5_000);
      await h.sampler.sample();
      expect(h.admin.calls).to.equal(4);
      await h.sampler.stop();
      mock.timers.tick(50_000);
      await h.sampler.sample();
      expect(h.admin.calls).to.equal(4);
    });
  });

  it('stop waits for the sample in flight and then leaves the gauge alone', async () => {
    const h = harness();
    h.admin.bounds.set('in', [{ partition: 0, low: '0', high: '9' }]);
    h.owned.value = { in: [0] };
    let open!: () => void;
    h.admin.gate = new Promise((resolve) => (open = resolve));
    const sampling = h.sampler.sample();
    let stopped = false;
    const stopping = h.sampler.stop().then(() => (stopped = true));
    // Drain every pending microtask: a stop that did not wait for the sample would have resolved by now.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).to.equal(false);
    open();
    await Promise.all([sampling, stopping]);
    expect(stopped).to.equal(true);
    expect(await values(h.gauge)).to.deep.equal({});
  });
});
