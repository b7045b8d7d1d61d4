import { expect } from 'chai';
import { createMetrics } from '../../lib/metrics.js';
import { createLogGenerator } from './generator.js';
import { createMetricsSink } from './metrics-sink.js';

describe('demo metrics sink', () => {
  it('counts every generated line by service and level', async () => {
    const registry = createMetrics({ component: 'demo', defaultMetrics: false });
    const sink = createMetricsSink(registry);
    const generator = createLogGenerator({ seed: 7 });
    const batch = Array.from({ length: 300 }, (_, i) => generator.next(1_780_000_000_000 + i * 10));
    await sink.write(batch);

    const metric = await registry.getSingleMetric('sawmill_demo_lines_generated_total')!.get();
    const counted = new Map(metric.values.map((v) => [`${v.labels['service']}/${v.labels['level']}`, v.value]));
    const expected = new Map<string, number>();
    for (const line of batch) expected.set(`${line.service}/${line.level}`, (expected.get(`${line.service}/${line.level}`) ?? 0) + 1);
    expect(counted).to.deep.equal(expected);
    expect(sink.delivered).to.equal(300);
  });
});
