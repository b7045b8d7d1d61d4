/**
 * Measures the agent's parse throughput: every loghub sample line through `createParser`
 * with `format: auto` (auto-detection, sticky per file, latency text scan), repeated for
 * about two seconds per system, and prints lines per second. Informational only: no
 * assertion, since timings depend on the machine. Run: `npx tsx bench/parser-throughput.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createParser } from '../agent/parsers/index.js';

const dir = process.env.LOGHUB_DIR ?? resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'loghub');
let allLines = 0;
let allMs = 0;
for (const system of readdirSync(dir).sort()) {
  let lines: string[];
  try {
    lines = readFileSync(join(dir, system, `${system}_2k.log`), 'utf8').split('\n');
  } catch {
    continue;
  }
  const parser = createParser({ format: 'auto' });
  const now = Date.now();
  for (const line of lines) parser.parse(line, { now }); // warm-up
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    for (const line of lines) parser.parse(line, { now });
    count += lines.length;
  }
  const ms = performance.now() - start;
  allLines += count;
  allMs += ms;
  console.log(`${system.padEnd(10)} ${Math.round((count / ms) * 1000).toLocaleString('en-US').padStart(12)} lines/s`);
}
console.log(`${'all'.padEnd(10)} ${Math.round((allLines / allMs) * 1000).toLocaleString('en-US').padStart(12)} lines/s`);
