import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { latencyChart, rampChart, ratioChart } from './charts.js';
import { e2eFixture, STAGE_FIXTURES } from './report-fixtures.js';
import type { StageFile } from './stage-files.js';
import { buildSummary, GOAL_P99_MS } from './summary.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function expectPng(file: string): void {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`).to.equal(true);
  // An empty plot is a few kB; these have lines, bars and labels.
  expect(bytes.length).to.be.greaterThan(15_000);
}

describe('charts (gnuplot pngcairo)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    // BENCH_REPORT_CHART_DIR keeps the PNGs for a look by eye.
    dir = process.env['BENCH_REPORT_CHART_DIR'] ?? mkdtempSync(path.join(os.tmpdir(), 'bench-charts-'));
  });
  afterEach(() => {
    if (process.env['BENCH_REPORT_CHART_DIR'] === undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the ramp and the latency per step from an end-to-end result', async () => {
    const e2e = e2eFixture();
    expectPng(await rampChart(dir, e2e));
    expectPng(await latencyChart(dir, e2e, GOAL_P99_MS));
    // The data file beside the chart holds one row per second of the series.
    expect(readFileSync(path.join(dir, 'e2e-ramp.dat'), 'utf8').trim().split('\n')).to.have.length(e2e.series.length);
    expect(readFileSync(path.join(dir, 'e2e-latency.dat'), 'utf8')).to.include('confirm 12,000/s\t660\t1420');
  });

  it('draws every comparison as a bar', async () => {
    const files: StageFile[] = Object.entries(STAGE_FIXTURES).map(([stage, data]) => ({ stage: stage as StageFile['stage'], state: 'fresh', file: stage, modifiedAt: new Date(), data }));
    const summary = buildSummary({ files, outcomes: [], runStartedAt: new Date(0) });
    expectPng(await ratioChart(dir, summary.comparisons));
    expect(readFileSync(path.join(dir, 'ratios.dat'), 'utf8').trim().split('\n')).to.have.length(summary.comparisons.length);
  });
});
