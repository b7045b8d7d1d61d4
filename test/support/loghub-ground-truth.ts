/**
 * Reading the loghub ground truth: each system's `<System>_2k.log_structured.csv` rows, and
 * how its time columns look when a parsed UTC time is written back in the system's own layout.
 * Shared by the parser accuracy test (agent/parsers) and the `sawmill parse` test, so both
 * compare against the same truth in the same way.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One CSV row, by column name. */
export type GroundTruthRow = Record<string, string>;

/** A system's ground-truth time text from its CSV row, and the same layout rendered from a UTC time. */
export interface TimeLayout {
  expected(row: GroundTruthRow): string;
  actual(d: Date): string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number): string => String(n).padStart(2, '0');
const p3 = (n: number): string => String(n).padStart(3, '0');
const hms = (d: Date): string => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
const ymd = (d: Date): string => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;

/** Each known system's timestamp columns and their layout in the source (year-less systems compare without the year). */
export const TIME_LAYOUTS: Readonly<Record<string, TimeLayout>> = {
  HDFS: {
    expected: (r) => `${r.Date} ${r.Time}`,
    actual: (d) => `${p2(d.getUTCFullYear() % 100)}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${hms(d).replaceAll(':', '')}`,
  },
  Hadoop: { expected: (r) => `${r.Date} ${r.Time}`, actual: (d) => `${ymd(d)} ${hms(d)},${p3(d.getUTCMilliseconds())}` },
  Zookeeper: { expected: (r) => `${r.Date} ${r.Time}`, actual: (d) => `${ymd(d)} ${hms(d)},${p3(d.getUTCMilliseconds())}` },
  Spark: {
    expected: (r) => `${r.Date} ${r.Time}`,
    actual: (d) => `${p2(d.getUTCFullYear() % 100)}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${hms(d)}`,
  },
  Apache: {
    expected: (r) => r.Time ?? '',
    actual: (d) => `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms(d)} ${d.getUTCFullYear()}`,
  },
  OpenSSH: { expected: (r) => `${r.Date} ${r.Day} ${r.Time}`, actual: (d) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${hms(d)}` },
  Linux: { expected: (r) => `${r.Month} ${r.Date} ${r.Time}`, actual: (d) => `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${hms(d)}` },
};

/** Splits RFC 4180 CSV text into rows of cells (quoted cells, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The rows of a structured CSV file, keyed by its header. */
export function readGroundTruthRows(path: string): GroundTruthRow[] {
  const [header, ...body] = parseCsv(readFileSync(path, 'utf8'));
  if (header === undefined) return [];
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

/** Where the loghub samples are read in place: LOGHUB_DIR, else `../shared/data/loghub` beside the checkout. */
export const LOGHUB_DIR = process.env['LOGHUB_DIR'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'loghub');
