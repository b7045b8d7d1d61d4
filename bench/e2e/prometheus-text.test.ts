import { expect } from 'chai';
import { sumMetric } from './prometheus-text.js';

describe('sumMetric', () => {
  const text = [
    '# HELP sawmill_agent_lines_read_total Physical lines read from the source',
    '# TYPE sawmill_agent_lines_read_total counter',
    'sawmill_agent_lines_read_total{source="demo-auth"} 120',
    'sawmill_agent_lines_read_total{source="sawmill-canary"} 3',
    'sawmill_agent_lines_read_total_created{source="x"} 1700000000',
    'sawmill_agent_queue_records 7',
    '',
  ].join('\n');

  it('sums every label set of the metric and nothing that only shares its prefix', () => {
    expect(sumMetric(text, 'sawmill_agent_lines_read_total')).to.equal(123);
    expect(sumMetric(text, 'sawmill_agent_queue_records')).to.equal(7);
  });

  it('answers 0 for a metric that is absent', () => {
    expect(sumMetric(text, 'sawmill_agent_lines_acknowledged_total')).to.equal(0);
  });
});
