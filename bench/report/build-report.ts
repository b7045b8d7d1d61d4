/**
 * The end of `make bench`: reads the newest result of every stage in bench/results/, ignores any
 * written before this run started, writes summary.json, summary.md and the PNG charts there, and
 * prints the Markdown.
 *
 *   npx tsx bench/report/build-report.ts --run-start <ISO time or epoch seconds>
 *     [--stage-log FILE (run-bench's "<stage>\t<exit code>\t<seconds>" lines)] [--results-dir bench/results]
 *
 * Exit code 1 when a chart could not be drawn (the summary files are written first regardless).
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { E2eResult } from '../e2e/e2e-result.js';
import { RESULTS_DIR } from '../topology/bench-paths.js';
import { latencyChart, rampChart, ratioChart } from './charts.js';
import { findStageFiles } from './stage-files.js';
import { parseStageLog } from './stage-log.js';
import { GOAL_P99_MS, buildSummary } from './summary.js';
import { renderSummaryMarkdown } from './summary-markdown.js';

/** Charts this script draws; any left from an earlier run is removed when not redrawn. */
const CHART_NAMES = ['e2e-ramp', 'e2e-latency', 'ratios'] as const;

/** `--run-start` as a date: an ISO time or seconds since the epoch (what `date +%s` prints). */
export function parseRunStart(value: string): Date {
  const date = /^[0-9]+(\.[0-9]+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`--run-start: ${value} is neither an ISO time nor epoch seconds`);
  return date;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'run-start': { type: 'string' }, 'stage-log': { type: 'string' }, 'results-dir': { type: 'string', default: RESULTS_DIR } },
  });
  if (values['run-start'] === undefined) throw new Error('--run-start is required: without it an old result could pass for this run');
  const runStartedAt = parseRunStart(values['run-start']);
  const dir = path.resolve(values['results-dir']);
  const stageLog = values['stage-log'];
  const outcomes = stageLog !== undefined && existsSync(stageLog) ? parseStageLog(readFileSync(stageLog, 'utf8')) : [];
  const files = findStageFiles(dir, runStartedAt);
  const summary = buildSummary({ files, outcomes, runStartedAt });

  const charts: string[] = [];
  const chartErrors: string[] = [];
  const drawn = async (name: string, draw: () => Promise<string>): Promise<void> => {
    try {
      charts.push(path.basename(await draw()));
    } catch (error) {
      chartErrors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const e2eFile = files.find((f) => f.stage === 'e2e');
  if (e2eFile?.state === 'fresh' && summary.e2e !== null) {
    const e2e = e2eFile.data as E2eResult;
    if (e2e.series.length > 0) await drawn('e2e-ramp', () => rampChart(dir, e2e));
    if (e2e.ramp.length > 0) await drawn('e2e-latency', () => latencyChart(dir, e2e, GOAL_P99_MS));
  }
  if (summary.comparisons.length > 0) await drawn('ratios', () => ratioChart(dir, summary.comparisons));
  // A chart not redrawn this run would show an earlier run's numbers next to this run's summary.
  for (const name of CHART_NAMES) {
    if (!charts.includes(`${name}.png`)) for (const ext of ['png', 'dat', 'gp']) await rm(path.join(dir, `${name}.${ext}`), { force: true });
  }

  const markdown = renderSummaryMarkdown(summary, charts);
  await writeFile(path.join(dir, 'summary.json'), `${JSON.stringify({ ...summary, charts }, null, 2)}\n`);
  await writeFile(path.join(dir, 'summary.md'), markdown);
  process.stdout.write(`\n${markdown}`);
  if (chartErrors.length > 0) {
    for (const e of chartErrors) process.stderr.write(`chart failed: ${e}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench report failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
