/**
 * `sawmill parse` against the loghub ground truth: each `<System>_2k.log` under LOGHUB_DIR
 * (default ../shared/data/loghub beside the checkout, read in place) goes through the real CLI with
 * auto-detection (`node --import tsx bin/sawmill.ts parse <file>`), i.e. the agent's parsing
 * and the enrich step, and the level and event time of every enriched event are compared with
 * the `<System>_2k.log_structured.csv` columns. The figures are printed as a table; a system
 * whose CSV has the field and that is below 99% fails the test.
 *
 * Comparisons:
 * - Level (systems whose `Level` column holds levels; Linux's holds the host name): the
 *   enriched `level` equals the normalized CSV value and `levelText` equals the CSV text.
 * - Timestamp: the event must be dated from the line (`timestampSource` LINE), and its UTC
 *   time, formatted back into the system's own layout, must equal the CSV's time columns.
 *   OpenSSH and Linux write no year and their CSV has none, so the year is not compared
 *   (the year rule has its own tests in agent/parsers/timestamp.test.ts).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { normalizeLevel } from '../../agent/parsers/level.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { LOGHUB_DIR, readGroundTruthRows as readRows, TIME_LAYOUTS as LAYOUTS } from '../support/loghub-ground-truth.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REQUIRED = 0.99;
const run = promisify(execFile);

async function sawmillParse(file: string): Promise<EnrichedLogEvent[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bin/sawmill.ts'), 'parse', file], { cwd: REPO_ROOT, maxBuffer: 256 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as EnrichedLogEvent);
}

interface Figure {
  system: string;
  lines: number;
  level?: number;
  timestamp?: number;
  formats: string;
}

async function measure(system: string): Promise<Figure> {
  const rows = readRows(join(LOGHUB_DIR, system, `${system}_2k.log_structured.csv`));
  const events = await sawmillParse(join(LOGHUB_DIR, system, `${system}_2k.log`));
  expect(events.length, `${system}: enriched events vs CSV rows`).to.equal(rows.length);
  const formats = [...new Set(events.map((e) => e.format))].join('+');
  const figure: Figure = { system, lines: rows.length, formats };
  const hasLevel = rows.length > 0 && 'Level' in (rows[0] ?? {}) && rows.filter((r) => normalizeLevel(r.Level) !== undefined).length >= rows.length * REQUIRED;
  if (hasLevel) {
    let ok = 0;
    rows.forEach((row, i) => {
      const e = events[i];
      if (e !== undefined && e.level === normalizeLevel(row.Level) && e.levelText === row.Level) ok++;
    });
    figure.level = ok / rows.length;
  }
  const layout = LAYOUTS[system];
  if (layout !== undefined) {
    let ok = 0;
    rows.forEach((row, i) => {
      const e = events[i];
      if (e !== undefined && e.timestampSource === 'LINE' && layout.actual(new Date(e.timestampMs)) === layout.expected(row)) ok++;
    });
    figure.timestamp = ok / rows.length;
  }
  return figure;
}

describe('sawmill parse on loghub (auto-detection vs ground truth)', function () {
  this.timeout(600_000);

  it('extracts level and timestamp in agreement with the ground truth on at least 99% of lines per system', async function () {
    if (!existsSync(LOGHUB_DIR)) {
      console.log(`    skipped: loghub samples not found at ${LOGHUB_DIR} (set LOGHUB_DIR to a directory of <System>/<System>_2k.log files)`);
      this.skip();
    }
    const systems = readdirSync(LOGHUB_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(LOGHUB_DIR, d.name, `${d.name}_2k.log`)) && existsSync(join(LOGHUB_DIR, d.name, `${d.name}_2k.log_structured.csv`)))
      .map((d) => d.name)
      .sort();
    expect(systems.length, `no <System>/<System>_2k.log in ${LOGHUB_DIR}`).to.be.greaterThan(0);
    const figures: Figure[] = [];
    // One CLI at a time: the machine's cores are shared.
    for (const system of systems) figures.push(await measure(system));
    const pct = (v: number | undefined): string => (v === undefined ? '    n/a' : `${(v * 100).toFixed(2).padStart(6)}%`);
    const table = [
      'system      lines   level    timestamp  parsed as',
      ...figures.map((f) => `${f.system.padEnd(10)} ${String(f.lines).padStart(6)}  ${pct(f.level)}  ${pct(f.timestamp)}   ${f.formats}${LAYOUTS[f.system] === undefined ? '  (timestamp not compared: no layout for this system)' : ''}`),
    ].join('\n');
    console.log(`\n${table}\n`);
    for (const f of figures) {
      if (f.level !== undefined) expect(f.level, `${f.system} level agreement`).to.be.at.least(REQUIRED);
      if (f.timestamp !== undefined) expect(f.timestamp, `${f.system} timestamp agreement`).to.be.at.least(REQUIRED);
    }
    expect(figures.filter((f) => f.timestamp !== undefined).length, 'systems with a compared timestamp').to.be.greaterThan(0);
  });
});
