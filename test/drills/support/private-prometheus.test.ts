import { expect } from 'chai';
import { matchingAlerts, prometheusConfig } from './private-prometheus.js';

describe('drill private Prometheus: config and alert matching', () => {
  it('writes a 1 s scrape and evaluation config with the rules files and one job per relay', () => {
    const text = prometheusConfig(['/r/a.yml'], [{ job: 'sawmill-agent', port: 4100 }]);
    expect(text).to.contain('evaluation_interval: 1s').and.contain('- "/r/a.yml"').and.contain('job_name: "sawmill-agent"').and.contain('targets: ["127.0.0.1:4100"]');
    expect(() => prometheusConfig([], [{ job: 'bad job', port: 1 }])).to.throw(/job name/);
  });

  it('finds alerts by name and labels in an /api/v1/alerts answer', () => {
    const answer = {
      status: 'success',
      data: {
        alerts: [
          { labels: { alertname: 'SawmillAgentSpoolFull', job: 'a' }, state: 'pending' },
          { labels: { alertname: 'SawmillAgentSpoolFull', job: 'b' }, state: 'firing' },
          { labels: { alertname: 'SawmillSinkErrors', job: 'a' }, state: 'pending' },
        ],
      },
    };
    expect(matchingAlerts(answer, 'SawmillAgentSpoolFull')).to.have.length(2);
    expect(matchingAlerts(answer, 'SawmillAgentSpoolFull', { job: 'b' })[0]?.state).to.equal('firing');
    expect(matchingAlerts(answer, 'Nope')).to.deep.equal([]);
    expect(() => matchingAlerts({ data: {} }, 'x')).to.throw(/not an/);
  });
});
