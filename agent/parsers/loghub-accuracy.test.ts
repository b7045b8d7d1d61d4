/**
 * Parser accuracy against the loghub ground truth: every line of each `<System>_2k.log` goes
 * through auto-detection, and the level and timestamp it yields are compared with the
 * `<System>_2k.log_structured.csv` columns. The samples are read in place from LOGHUB_DIR
 * (default ../shared/data/loghub beside the checkout); `make test` fetches them when absent.
 *
 * How fields are compared:
 * - Level: the system "has a level" when its CSV has a `Level` column whose values are levels
 *   (Linux's `Level` column holds the host name, so it has none); a line counts as correct
 *   when our normalized level equals the normalized CSV value and our `levelText` equals the
 *   CSV text exactly.
 * - Timestamp: several systems write no year and no zone, so the parsed UTC milliseconds
 *   are formatted back into the system's own layout (assumed zone UTC, no zone configured)
 *   and compared with the CSV columns the ground truth has (Date/Time, Month/Date/Time,
 *   Date/Day/Time, or Time alone). For year-less syslog systems (OpenSSH, Linux) the year
 *   chosen by the "at most one day after now" rule is not compared, because the CSV lacks
 *   it; `timestamp.test.ts` tests that rule. The reference now is fixed (2026-06-15) so the
 *   run is deterministic.
 * - Systems other than the seven below (a full loghub clone has more) are listed with their
 *   level figure but not asserted: no parser claims their formats yet.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAutoDetector } from './auto-detect.js';
import { normalizeLevel } from './level.js';
import type { ParsedLine } from './parsed-line.js';
import { readGroundTruthRows as readRows, TIME_LAYOUTS as LAYOUTS } from '../../test/support/loghub-ground-truth.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LOGHUB_DIR = process.env.LOGHUB_DIR ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'loghub');
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
const REQUIRED = 0.99;

function readLines(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

interface Figure {
  system: string;
  lines: number;
  level?: number;
  timestamp?: number;
  formats: string;
  asserted: boolean;
}

function measure(system: string): Figure {
  const lines = readLines(join(LOGHUB_DIR, system, `${system}_2k.log`));
  const rows = readRows(join(LOGHUB_DIR, system, `${system}_2k.log_structured.csv`));
  expect(rows.length, `${system}: CSV rows vs log lines`).to.equal(lines.length);
  const detector = createAutoDetector();
  const parsed: ParsedLine[] = lines.map((line) => detector.parse(line, { now: NOW }));
  const formats = [...new Set(parsed.map((p) => p.format))].join('+');
  const hasLevel = rows.length > 0 && 'Level' in (rows[0] ?? {}) && rows.filter((r) => normalizeLevel(r.Level) !== undefined).length >= rows.length * REQUIRED;
  const layout = LAYOUTS[system];
  const figure: Figure = { system, lines: lines.length, formats, asserted: layout !== undefined };
  if (hasLevel) {
    let ok = 0;
    rows.forEach((row, i) => {
      const p = parsed[i];
      if (p !== undefined && p.level !== undefined && p.level === normalizeLevel(row.Level) && p.levelText === row.Level) ok++;
    });
    figure.level = ok / rows.length;
  }
  if (layout !== undefined) {
    let ok = 0;
    rows.forEach((row, i) => {
      const ms = parsed[i]?.timestampMs;
      if (ms !== undefined && layout.actual(new Date(ms)) === layout.expected(row)) ok++;
    });
    figure.timestamp = ok / rows.length;
  }
  return figure;
}

describe('loghub accuracy (auto-detect vs ground truth)', function () {
  this.timeout(120_000);

  it('reaches at least 99% on level and timestamp for every system that has the field', function () {
    if (!existsSync(LOGHUB_DIR)) {
      expect.fail(`loghub samples not found at ${LOGHUB_DIR}: run \`make test\` (infra/local/fetch-loghub clones them) or set LOGHUB_DIR to a directory with <System>/<System>_2k.log files`);
    }
    const systems = readdirSync(LOGHUB_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(LOGHUB_DIR, d.name, `${d.name}_2k.log`)) && existsSync(join(LOGHUB_DIR, d.name, `${d.name}_2k.log_structured.csv`)))
      .map((d) => d.name)
      .sort();
    expect(systems.length, `no <System>/<System>_2k.log in ${LOGHUB_DIR}`).to.be.greaterThan(0);
    const figures = systems.map(measure);
    const pct = (v: number | undefined): string => (v === undefined ? '   n/a' : `${(v * 100).toFixed(2).padStart(6)}`);
    const table = [
      'system      lines  level %  timestamp %  parsed as',
      ...figures.map((f) => `${f.system.padEnd(10)} ${String(f.lines).padStart(6)}  ${pct(f.level)}   ${pct(f.timestamp)}      ${f.formats}${f.asserted ? '' : '  (not asserted: no parser for this format)'}`),
    ].join('\n');
    console.log(`\n${table}\n`);
    // The CRI check runs before every other parser, so it must never claim a line of another format.
    for (const f of figures) expect(f.formats.split('+'), `${f.system} formats`).not.to.include('cri');
    for (const f of figures.filter((x) => x.asserted)) {
      if (f.level !== undefined) expect(f.level, `${f.system} level accuracy`).to.be.at.least(REQUIRED);
      expect(f.timestamp, `${f.system} timestamp accuracy`).to.be.at.least(REQUIRED);
    }
    expect(figures.filter((x) => x.asserted).length, 'known loghub systems found').to.be.greaterThan(0);
  });
});
