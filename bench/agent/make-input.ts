/**
 * Writes the agent benchmark's input: N demo log lines (bench/generator, fixed seed, fixed clock)
 * into one file under .local/bench/agent/, so every engine of bench.ts reads the same bytes.
 *
 *   npx tsx bench/agent/make-input.ts [--lines 1000000] [--seed 1] [--out FILE]
 *
 * Prints the file's path and line count as one JSON line.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createLogGenerator } from '../generator/generator.js';

/** The repository root (two levels above this file). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Input files, engine work directories and configs of the agent benchmark (git-ignored). */
export const AGENT_BENCH_DIR = path.join(REPO_ROOT, '.local', 'bench', 'agent');
/** Default event time of the first line: a fixed instant, so the same seed gives the same bytes. */
const BASE_TS = Date.UTC(2026, 0, 1);
/** Event time step between lines (1,000 lines per simulated second). */
const STEP_MS = 1;

/** Options of makeInput. */
export interface MakeInputOptions {
  /** Number of lines to write. */
  readonly lines: number;
  /** Generator seed. */
  readonly seed: number;
  /** Output file; default `.local/bench/agent/input-<lines>-s<seed>.log`. */
  readonly out?: string;
}

/** The default input path for a line count and seed. */
export function defaultInputPath(lines: number, seed: number): string {
  return path.join(AGENT_BENCH_DIR, `input-${lines}-s${seed}.log`);
}

/** Writes `lines` generated lines (newline-terminated) to the output file, replacing it; resolves to its path and byte size. */
export async function makeInput({ lines, seed, out }: MakeInputOptions): Promise<{ file: string; lines: number; bytes: number }> {
  if (!Number.isInteger(lines) || lines <= 0) throw new Error(`lines must be a positive integer, got ${lines}`);
  const file = out ?? defaultInputPath(lines, seed);
  await mkdir(path.dirname(file), { recursive: true });
  const generator = createLogGenerator({ seed, clock: () => BASE_TS });
  const stream = createWriteStream(file);
  let bytes = 0;
  let chunk: string[] = [];
  const flush = async (): Promise<void> => {
    const text = chunk.join('');
    chunk = [];
    bytes += Buffer.byteLength(text);
    // Honour back-pressure so a million lines do not sit in memory at once.
    if (!stream.write(text)) await once(stream, 'drain');
  };
  for (let i = 0; i < lines; i++) {
    chunk.push(generator.next(BASE_TS + i * STEP_MS).line, '\n');
    if (chunk.length >= 20_000) await flush();
  }
  await flush();
  stream.end();
  await once(stream, 'finish');
  return { file, lines, bytes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  const result = await makeInput({ lines: Number(values.lines), seed: Number(values.seed), out: values.out });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
