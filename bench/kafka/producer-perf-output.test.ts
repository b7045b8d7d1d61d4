import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseProducerPerfOutput, ProducerPerfOutputError } from './producer-perf-output.js';

// Captured from `kafka-tool producer-perf-test` (Kafka 4.x) on the local broker: one progress line, then the totals.
const captured = readFileSync(new URL('./fixtures/producer-perf-output.txt', import.meta.url), 'utf8');

describe('parseProducerPerfOutput', () => {
  it('reads the totals and percentiles from the final line, not from a progress line', () => {
    expect(parseProducerPerfOutput(captured)).to.deep.equal({
      records: 300000,
      records_per_s: 41823.5,
      mb_per_s: 15.95,
      latency_ms: { avg: 54.89, max: 352, p50: 17, p95: 240, p99: 306, p999: 343 },
    });
  });

  it('ignores warnings printed after the summary', () => {
    const figures = parseProducerPerfOutput(`${captured}[2026-12-01 16:40:00,000] WARN something closed (org.apache.kafka)\n`);
    expect(figures.records).to.equal(300000);
  });

  it('fails with the last lines when the run was cut short', () => {
    const progressOnly = captured.split('\n')[0] ?? '';
    expect(() => parseProducerPerfOutput(progressOnly)).to.throw(ProducerPerfOutputError, /records sent, 40555\.3/);
    expect(() => parseProducerPerfOutput('')).to.throw(ProducerPerfOutputError, /empty/);
  });
});
