/**
 * Measures the per-line cost of pattern masking and of the whole enrich step on the loghub
 * samples: `node --import tsx processors/enrich/enrich-bench.ts [LOGHUB_DIR]`. Raw events are
 * built through the agent's parser first (not timed), so the figures are enrich's own. CPU time
 * (process.cpuUsage) is reported, median of several rounds, because the machine is shared.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createParser } from '../../agent/parsers/index.js';
import { buildRawEvent, type RawLogEvent } from '../../agent/raw-event.js';
import { createEnricher } from '../enrich.js';
import { messagePattern, patternIdOf } from './pattern-id.js';

// Default: the loghub samples beside the checkout (../shared/data/loghub), read in place.
const dir = process.argv[2] ?? process.env.LOGHUB_DIR ?? fileURLToPath(new URL('../../../shared/data/loghub', import.meta.url));
if (!existsSync(dir)) {
  process.stderr.write(`no loghub samples at ${dir}\n`);
  process.exit(2);
}
const ROUNDS = 7;
const NOW = Date.UTC(2026, 5, 15);

function cpuNsPerItem(items: number, body: () => void): number {
  body();
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    body();
    const used = process.cpuUsage(start);
    samples.push(((used.user + used.system) * 1000) / items);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

const rows: string[] = ['system      lines  avg msg chars  mask ns/line  mask+id ns/line  enrich ns/event  enrich events/s'];
const systems = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(dir, d.name, `${d.name}_2k.log`))).map((d) => d.name).sort();
for (const system of systems) {
  const lines = readFileSync(join(dir, system, `${system}_2k.log`), 'utf8').split('\n').filter((l) => l !== '');
  const parser = createParser();
  const raws: RawLogEvent[] = lines.map((text, i) =>
    buildRawEvent({ eventId: `e${i}`, agentId: 'bench', sequence: i, kind: 'file', sourceId: 'bench', streamId: 's', offset: i, text, truncated: false, observedTimestampMs: NOW, host: 'h', labels: {} }, parser.parse(text, { now: NOW })),
  );
  const messages = raws.map((r) => r.parsedFields.message ?? r.line);
  const enrich = createEnricher();
  let sink = 0;
  const mask = cpuNsPerItem(messages.length, () => {
    for (const m of messages) sink += messagePattern(m).length;
  });
  const maskId = cpuNsPerItem(messages.length, () => {
    for (const m of messages) sink += patternIdOf(messagePattern(m)).length;
  });
  const full = cpuNsPerItem(raws.length, () => {
    for (const r of raws) sink += enrich(r, NOW).pattern.length;
  });
  const avg = messages.reduce((a, m) => a + m.length, 0) / messages.length;
  rows.push(
    `${system.padEnd(10)} ${String(lines.length).padStart(6)}  ${avg.toFixed(0).padStart(13)}  ${mask.toFixed(0).padStart(12)}  ${maskId.toFixed(0).padStart(15)}  ${full.toFixed(0).padStart(15)}  ${Math.round(1e9 / full).toString().padStart(15)}`,
  );
  if (sink < 0) process.stdout.write('');
}
process.stdout.write(`${rows.join('\n')}\n`);
