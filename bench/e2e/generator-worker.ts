/**
 * The benchmark's load, in its own process so its CPU is measured apart: bench/generator's
 * realistic lines at a target rate into the agent's demo-logs directory, every line carrying the
 * step's marker. Reports on stdout, one JSON object per line: `{"startedAtMs"}` first, then
 * `{"written"}` about every second, then `{"done", "written", "startedAtMs", "endedAtMs", "cpuSeconds", "maxRssMiB"}`.
 *
 * Usage: node --import tsx bench/e2e/generator-worker.ts <rate> <durationMs> <dir> <tag> <seed>
 */
import pino from 'pino';
import type { GeneratedLine } from '../generator/generator.js';
import type { LineSink } from '../generator/line-sink.js';
import { runDemoSource } from '../generator/run.js';

const [rateText, durationText, dir, tag, seedText] = process.argv.slice(2);
if (dir === undefined || tag === undefined || seedText === undefined) {
  process.stderr.write('usage: generator-worker.ts <rate> <durationMs> <dir> <tag> <seed>\n');
  process.exit(2);
}
const say = (message: object): void => void process.stdout.write(`${JSON.stringify(message)}\n`);

let handed = 0;
const counter: LineSink = {
  name: 'counter',
  get delivered() {
    return handed;
  },
  write(lines: readonly GeneratedLine[]) {
    handed += lines.length;
    return Promise.resolve();
  },
  close: () => Promise.resolve(),
};

const startedAtMs = Date.now();
say({ startedAtMs });
const ticker = setInterval(() => say({ written: handed }), 1000);
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
const result = await runDemoSource({
  ratePerSecond: Number(rateText),
  durationMs: Number(durationText),
  seed: Number(seedText),
  tag,
  incident: 'auto',
  // Large files: the agent tails <host>.log and <host>.log.1 only, so rotations must stay rare.
  outputs: { dir, rotateBytes: 256 * 1024 * 1024 },
  extraSinks: [counter],
  logger: pino({ base: { component: 'e2e-generator' }, level: 'warn' }, pino.destination(2)),
  signal: controller.signal,
});
clearInterval(ticker);
// Its own CPU and peak memory: by the time the bench reads /proc after the step, this process is gone.
const cpu = process.cpuUsage();
say({
  done: true,
  written: result.delivered['file'] ?? 0,
  startedAtMs,
  endedAtMs: Date.now(),
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
});
