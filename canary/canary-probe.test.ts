import { expect } from 'chai';
import { createCanaryMetrics } from './canary-metrics.js';
import { runProbe } from './canary-probe.js';
import type { LineWriter } from './line-writer.js';
import type { SearchableCheck } from './searchable-check.js';

/** The value of one sample of the canary registry (a histogram's `_count` included), NaN when absent. */
async function value(metrics: ReturnType<typeof createCanaryMetrics>, name: string, labels: Record<string, string> = {}): Promise<number> {
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    for (const sample of metric.values as { labels: Record<string, unknown>; value: number; metricName?: string }[]) {
      if ((sample.metricName ?? metric.name) === name && Object.entries(labels).every(([k, l]) => sample.labels[k] === l)) return sample.value;
    }
  }
  return Number.NaN;
}

const okWriter: LineWriter = { target: 'test', write: async () => undefined };

describe('runProbe', () => {
  it('observes the latency of a line found after a few searches', async () => {
    const metrics = createCanaryMetrics({ defaultMetrics: false });
    let searches = 0;
    const check: SearchableCheck = async () => (searches += 1) >= 3;
    const result = await runProbe({ writer: okWriter, check, metrics, service: 's', timeoutMs: 5000, pollIntervalMs: 20 });
    expect(result.outcome).to.equal('searchable');
    expect(searches).to.equal(3);
    if (result.outcome === 'searchable') {
      expect(result.searches).to.equal(3);
      expect(result.seconds).to.be.at.least(0.035).and.below(2);
    }
    expect(await value(metrics, 'sawmill_canary_ingest_to_searchable_seconds_count')).to.equal(1);
    expect(await value(metrics, 'sawmill_canary_probes_total')).to.equal(1);
    expect(await value(metrics, 'sawmill_canary_timeouts_total')).to.equal(0);
  });

  it('counts a timeout when searches answer but never find the line', async () => {
    const metrics = createCanaryMetrics({ defaultMetrics: false });
    const result = await runProbe({ writer: okWriter, check: async () => false, metrics, service: 's', timeoutMs: 150, pollIntervalMs: 20 });
    expect(result.outcome).to.equal('timeout');
    expect(await value(metrics, 'sawmill_canary_timeouts_total')).to.equal(1);
    expect(await value(metrics, 'sawmill_canary_failures_total', { stage: 'search' })).to.equal(0);
  });

  it('counts a search failure only when no search answered at all', async () => {
    const metrics = createCanaryMetrics({ defaultMetrics: false });
    const failing = await runProbe({ writer: okWriter, check: async () => { throw new Error('down'); }, metrics, service: 's', timeoutMs: 100, pollIntervalMs: 20 });
    expect(failing.outcome).to.equal('search_failed');
    let n = 0;
    // One answer, then errors: the line was searchable-checkable, so it is a timeout.
    const flaky = await runProbe({ writer: okWriter, check: async () => { if ((n += 1) > 1) throw new Error('down'); return false; }, metrics, service: 's', timeoutMs: 100, pollIntervalMs: 20 });
    expect(flaky.outcome).to.equal('timeout');
    expect(await value(metrics, 'sawmill_canary_failures_total', { stage: 'search' })).to.equal(1);
    expect(await value(metrics, 'sawmill_canary_timeouts_total')).to.equal(1);
  });

  it('counts a write failure and never searches', async () => {
    const metrics = createCanaryMetrics({ defaultMetrics: false });
    let searched = false;
    const writer: LineWriter = { target: 't', write: async () => { throw new Error('refused'); } };
    const result = await runProbe({ writer, check: async () => (searched = true), metrics, service: 's', timeoutMs: 100, pollIntervalMs: 20 });
    expect(result.outcome).to.equal('write_failed');
    expect(searched).to.equal(false);
    expect(await value(metrics, 'sawmill_canary_failures_total', { stage: 'write' })).to.equal(1);
  });

  it('rejects on abort and records nothing', async () => {
    const metrics = createCanaryMetrics({ defaultMetrics: false });
    const controller = new AbortController();
    const probe = runProbe({ writer: okWriter, check: async () => false, metrics, service: 's', timeoutMs: 10_000, pollIntervalMs: 20, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    let error: unknown;
    await probe.catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('stop');
    expect(await value(metrics, 'sawmill_canary_probes_total')).to.equal(0);
    expect(await value(metrics, 'sawmill_canary_timeouts_total')).to.equal(0);
  });
});
