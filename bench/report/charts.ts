/**
 * PNG charts of a bench run, drawn by gnuplot (pngcairo): for each chart a tab-separated data file
 * and a gnuplot script are written beside the PNG, so a chart can be redrawn or restyled by hand
 * with `gnuplot bench/results/<chart>.gp`.
 *
 * - e2e-ramp.png: target, written and delivered lines/s over the end-to-end run, backlog on the right axis;
 * - e2e-latency.png: p50 and p99 ingest-to-searchable latency per ramp step (and the confirmation run);
 * - ratios.png: every comparison as relative performance (above 1: Sawmill did better than its baseline).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { E2eResult, E2eStep } from '../e2e/e2e-result.js';
import { relativePerformance, type Comparison } from './summary.js';

const run = promisify(execFile);

/** Thrown when gnuplot is missing or rejects a script; names the script. */
export class ChartError extends Error {
  override readonly name = 'ChartError';
}

/** A gnuplot single-quoted string (only the quote itself needs escaping, by doubling). */
function quoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Tab-separated lines; a missing value is NaN, which gnuplot skips. */
function table(rows: readonly (readonly (string | number | null)[])[]): string {
  return `${rows.map((row) => row.map((v) => (v === null ? 'NaN' : typeof v === 'number' ? String(v) : v.replace(/[\t\n]/g, ' '))).join('\t')).join('\n')}\n`;
}

const PREAMBLE = (png: string, width: number, height: number): string[] => [
  `set terminal pngcairo size ${width},${height} font 'sans,10' noenhanced`,
  `set output ${quoted(png)}`,
  "set datafile separator '\\t'",
  'set grid ytics',
];

/** Writes `<name>.dat` and `<name>.gp` in `dir` and runs gnuplot there; resolves to the PNG's path. */
async function draw(dir: string, name: string, data: string, script: readonly string[]): Promise<string> {
  await writeFile(path.join(dir, `${name}.dat`), data);
  const gp = path.join(dir, `${name}.gp`);
  await writeFile(gp, `${script.join('\n')}\n`);
  try {
    await run('gnuplot', [`${name}.gp`], { cwd: dir });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new ChartError(`gnuplot failed on ${gp}: ${stderr.trim() || (error instanceof Error ? error.message : String(error))}`);
  }
  return path.join(dir, `${name}.png`);
}

/** The ramp over time: target, written and delivered lines/s, and the backlog. */
export function rampChart(dir: string, e2e: E2eResult): Promise<string> {
  const data = table(e2e.series.map((p) => [p.t, p.target, p.written, p.delivered, p.backlog]));
  return draw(dir, 'e2e-ramp', data, [
    ...PREAMBLE('e2e-ramp.png', 1200, 600),
    `set title ${quoted(`End to end ramp: ${e2e.e2e.sustained_logs_per_s.toLocaleString('en-US')} logs/s sustained (${e2e.created_at})`)}`,
    "set xlabel 'seconds since start'",
    "set ylabel 'lines/s'",
    "set y2label 'backlog (lines written, not yet in both stores)'",
    'set ytics nomirror',
    'set y2tics',
    'set yrange [0:*]',
    'set y2range [0:*]',
    'set key top left',
    "plot 'e2e-ramp.dat' using 1:2 with steps lw 2 lc rgb '#888888' title 'target', " +
      "'' using 1:3 with lines lw 1.5 lc rgb '#1f77b4' title 'written', " +
      "'' using 1:4 with lines lw 1.5 lc rgb '#2ca02c' title 'delivered (both stores)', " +
      "'' using 1:5 axes x1y2 with lines dt 2 lw 1.5 lc rgb '#d62728' title 'backlog (right axis)'",
  ]);
}

/** p50/p99 ingest-to-searchable per ramp step and for the confirmation run, with the p99 goal. */
export function latencyChart(dir: string, e2e: E2eResult, goalP99Ms: number): Promise<string> {
  const label = (s: E2eStep, confirm: boolean): string => `${confirm ? 'confirm ' : ''}${s.targetLogsPerS.toLocaleString('en-US')}/s${s.sustained ? '' : ' (not sustained)'}`;
  const steps: [string, E2eStep][] = [...e2e.ramp.map((s): [string, E2eStep] => [label(s, false), s])];
  if (e2e.confirmation !== null) steps.push([label(e2e.confirmation, true), e2e.confirmation]);
  const data = table(steps.map(([name, s]) => [name, s.latencyMs.p50, s.latencyMs.p99]));
  return draw(dir, 'e2e-latency', data, [
    ...PREAMBLE('e2e-latency.png', Math.max(900, 90 * steps.length), 600),
    "set title 'Ingest-to-searchable latency per step (target rate)'",
    "set ylabel 'ms'",
    'set yrange [0:*]',
    'set style data histograms',
    'set style histogram clustered gap 1',
    'set style fill solid 0.85 border -1',
    'set boxwidth 0.9',
    'set xtics rotate by 30 right',
    `set xrange [-0.5:${steps.length - 0.5}]`,
    'set key top left',
    `plot 'e2e-latency.dat' using 2:xtic(1) lc rgb '#1f77b4' title 'p50', '' using 3 lc rgb '#ff7f0e' title 'p99', ` +
      `${goalP99Ms} with lines dt 2 lw 2 lc rgb '#d62728' title 'p99 goal (${goalP99Ms} ms)'`,
  ]);
}

/** Every comparison as one horizontal bar of relative performance, green where Sawmill did as well as its baseline or better. */
export function ratioChart(dir: string, comparisons: readonly Comparison[]): Promise<string> {
  // Listed top to bottom in the summary's order: gnuplot's y grows upwards, so the rows go in reversed.
  const rows = [...comparisons].reverse().map((c) => {
    const relative = relativePerformance(c);
    // gnuplot reads a backslash in a data string as an escape (psql \copy would lose it).
    return [`${c.stage}: ${c.what} vs ${c.baseline_name}`.replace(/\\/g, '\\\\'), relative, relative >= 1 ? 0x2ca02c : 0xd62728];
  });
  const top = Math.max(1.2, ...rows.map((r) => Number(r[1]) * 1.15));
  return draw(dir, 'ratios', table(rows), [
    ...PREAMBLE('ratios.png', 1200, 120 + 34 * rows.length),
    "set title 'Sawmill relative to its baseline in the same run (above 1: Sawmill did better)'",
    "set xlabel 'throughput: Sawmill / baseline;  latency: baseline / Sawmill'",
    `set xrange [0:${top.toFixed(2)}]`,
    `set yrange [-0.6:${rows.length - 0.4}]`,
    'set grid xtics',
    'set lmargin 62',
    'set key off',
    'set style fill solid 0.85 border -1',
    "set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lw 2 lc rgb '#444444'",
    "plot 'ratios.dat' using ($2/2):0:($2/2):(0.35):3:yticlabels(1) with boxxyerror lc rgb variable, " +
      "'' using 2:0:(sprintf(' %.2f', $2)) with labels left",
  ]);
}
