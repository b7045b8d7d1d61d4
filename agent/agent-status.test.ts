import { expect } from 'chai';
import { createAgentMetrics } from './agent-metrics.js';
import { formatAgentStatus } from './agent-status.js';

describe('agent status', () => {
  it('prints read, acknowledged, in flight, spooled and dropped per source from /metrics', async () => {
    const metrics = createAgentMetrics(['app', 'web'], { defaultMetrics: false });
    metrics.linesRead.inc({ source: 'app' }, 10);
    metrics.acknowledged.inc({ source: 'app' }, 7);
    metrics.spooled.inc({ source: 'app' }, 3);
    const text = formatAgentStatus(await metrics.registry.metrics());
    const app = text.split('\n').find((l) => l.startsWith('app'));
    expect(app?.split(/\s+/)).to.deep.equal(['app', '10', '7', '3', '3', '0', '0']);
    expect(text).to.match(/^web\s+0\s+0\s+0\s+0\s+0\s+0$/m);
    expect(text).to.include('kafka up');
  });
});
