import { expect } from 'chai';
import { createAgentMetrics, parseAgentMetrics } from './agent-metrics.js';

describe('agent metrics', () => {
  it('exports the configured spool cap as sawmill_agent_spool_max_bytes beside spool_bytes', async () => {
    const metrics = createAgentMetrics(['app'], { defaultMetrics: false, spoolMaxBytes: 5 * 1024 * 1024 });
    metrics.spoolBytes.set(1024);
    const text = await metrics.registry.metrics();
    expect(text).to.match(/^# TYPE sawmill_agent_spool_max_bytes gauge$/m);
    const { gauges } = parseAgentMetrics(text);
    expect(gauges['sawmill_agent_spool_max_bytes']).to.equal(5_242_880);
    expect(gauges['sawmill_agent_spool_bytes']).to.equal(1024);
  });
});
