/**
 * `sawmill parse [--format F] [--timezone Z] [--year Y] <file>`: shows how Sawmill will read a
 * log file before it is shipped. Each line goes through exactly what the agent does (its source
 * encoder: multiline joining when configured, `createParser` with auto-detection by default,
 * `buildRawEvent`) and then the pipeline's enrich step; the enriched events are printed as JSON
 * lines on stdout. No Kafka, no registry.
 *
 * With `--config agent.yaml [--source id]` the source's parser, multiline rule and labels, and
 * the agent's id, host and line limit are used; `--format`/`--timezone` still override them.
 * `-` as the file reads standard input.
 *
 * Timestamps follow agent/parsers/timestamp.ts (TIMESTAMP_ASSUMPTIONS): a time without a year
 * gets the latest year at most one day after the observed time (the time of the run), a time
 * without an offset is UTC unless `--timezone` names a zone. `--year Y` sets the observed time to
 * one day before Y ends (referenceNowForYear), so every year-less time reads as year Y; events
 * without a readable time then carry that observed time too. Bad arguments and unreadable files end with a message
 * on stderr and exit code 2 (1 for a failure while reading).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { agentConfigSchema, stdinSourceSchema, type SourceConfig } from '../../agent/config.js';
import { PARSER_FORMATS } from '../../agent/parsers/index.js';
import { isValidTimeZone, referenceNowForYear } from '../../agent/parsers/timestamp.js';
import { SourceEncoder } from '../../agent/source-encoder.js';
import type { Shipment } from '../../agent/shipper/shipment.js';
import { readStdinSource } from '../../agent/stdin-source.js';
import { loadConfig } from '../../lib/config.js';
import { ConfigError } from '../../lib/errors.js';
import { createEnricher } from '../../processors/enrich.js';

/** Options of `sawmill parse`. */
export interface ParseCommandOptions {
  /** Parser format (`auto` by default); one of PARSER_FORMATS. */
  format?: string;
  /** IANA zone for timestamps written without an offset. */
  timezone?: string;
  /** Year for timestamps written without one (syslog, glog). */
  year?: string;
  /** Agent config file whose source settings to use. */
  config?: string;
  /** Id of the source in the agent config (default: its first source). */
  source?: string;
  /** Multiline preset (`java`) when no config gives a multiline rule. */
  multiline?: string;
}

/** Agent id used for event ids when no agent config is given. */
export const PARSE_AGENT_ID = 'sawmill-parse';

class UsageError extends Error {}

interface ParseSetup {
  source: SourceConfig;
  agentId: string;
  host: string;
  maxLineBytes: number;
  now: () => number;
  timeZone: string | undefined;
}

function setup(options: ParseCommandOptions): ParseSetup {
  if (options.format !== undefined && !(PARSER_FORMATS as readonly string[]).includes(options.format)) {
    throw new UsageError(`unknown format ${JSON.stringify(options.format)}; one of ${PARSER_FORMATS.join(', ')}`);
  }
  if (options.timezone !== undefined && !isValidTimeZone(options.timezone)) {
    throw new UsageError(`unknown time zone ${JSON.stringify(options.timezone)}; use an IANA name such as Europe/Paris or UTC`);
  }
  let year: number | undefined;
  if (options.year !== undefined) {
    if (!/^\d{4}$/.test(options.year) || Number(options.year) < 1970) throw new UsageError(`--year must be a four-digit year from 1970, got ${JSON.stringify(options.year)}`);
    year = Number(options.year);
  }
  let agentId = PARSE_AGENT_ID;
  let host = hostname();
  let maxLineBytes = 64 * 1024;
  let base: { parser?: Record<string, unknown>; multiline?: Record<string, unknown>; labels?: Record<string, string> } = {};
  if (options.config !== undefined) {
    const agent = loadConfig(agentConfigSchema, { file: options.config, envPrefix: 'agent' });
    const chosen = options.source === undefined ? agent.sources[0] : agent.sources.find((s) => s.id === options.source);
    if (chosen === undefined) throw new UsageError(`${options.config} has no source ${JSON.stringify(options.source)}; its sources: ${agent.sources.map((s) => s.id).join(', ')}`);
    ({ agentId, host, maxLineBytes } = agent);
    base = { parser: { ...chosen.parser }, multiline: chosen.multiline === undefined ? undefined : { ...chosen.multiline }, labels: chosen.labels };
  } else if (options.source !== undefined) {
    throw new UsageError('--source needs --config');
  }
  const parser: Record<string, unknown> = { ...(base.parser ?? {}) };
  if (options.format !== undefined) {
    parser.format = options.format;
    if (options.format !== 'regex') delete parser.pattern;
  }
  if (options.timezone !== undefined) parser.timezone = options.timezone;
  let multiline = base.multiline;
  if (options.multiline !== undefined) multiline = { preset: options.multiline };
  const parsed = stdinSourceSchema.safeParse({ type: 'stdin', id: 'parse', parser, ...(multiline === undefined ? {} : { multiline }), labels: base.labels ?? {} });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`invalid parser settings at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'unknown problem'}`);
  }
  const timeZone = parsed.data.parser.timezone;
  const fixedNow = year === undefined ? undefined : referenceNowForYear(year, timeZone);
  return { source: parsed.data, agentId, host, maxLineBytes, now: fixedNow === undefined ? Date.now : () => fixedNow, timeZone };
}

async function openInput(file: string): Promise<{ input: Readable; streamId: string; path: string | undefined }> {
  if (file === '-') return { input: process.stdin, streamId: `stdin-${process.pid}`, path: undefined };
  const path = resolve(file);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
  if (!info.isFile()) throw new UsageError(`not a regular file: ${file}`);
  return { input: createReadStream(path), streamId: `file:${path}`, path };
}

function writeOut(text: string): Promise<void> {
  return new Promise((resolveWrite, rejectWrite) => {
    const ok = process.stdout.write(text, (error) => (error ? rejectWrite(error) : undefined));
    if (ok) resolveWrite();
    else process.stdout.once('drain', () => resolveWrite());
  });
}

/** Runs `sawmill parse` on `file` (see the file header). Sets process.exitCode on failure. */
export async function parseCommand(file: string, options: ParseCommandOptions): Promise<void> {
  let prepared: ParseSetup;
  let input: Awaited<ReturnType<typeof openInput>>;
  try {
    prepared = setup(options);
    input = await openInput(file);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) return fail(error.message, 2);
    throw error;
  }
  // `sawmill parse big.log | head` closes stdout early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  const enrich = createEnricher(prepared.timeZone === undefined ? undefined : { timeZone: prepared.timeZone });
  let sequence = 0;
  const encoder = new SourceEncoder({
    source: prepared.source,
    kind: file === '-' ? 'stdin' : 'file',
    agentId: prepared.agentId,
    host: prepared.host,
    // The "encoding" is the enriched event as a JSON line; the agent's pipeline up to here is unchanged.
    encode: (raw) => {
      const withPath = input.path === undefined ? raw : { ...raw, source: { ...raw.source, path: input.path } };
      return { key: '', value: Buffer.from(`${JSON.stringify(enrich(withPath, Date.now()))}\n`) };
    },
    accept: async (shipment: Shipment) => {
      if (shipment.records.length === 0) return;
      await writeOut(Buffer.concat(shipment.records.map((r) => r.value)).toString('utf8'));
    },
    nextSequence: () => sequence++,
    now: prepared.now,
  });
  try {
    await readStdinSource({
      input: input.input,
      agentId: prepared.agentId,
      streamId: input.streamId,
      maxLineBytes: prepared.maxLineBytes,
      onBatch: (lines, last) => encoder.submit(lines, undefined, last),
    });
  } catch (error) {
    return fail(`reading ${file} failed: ${(error as Error).message}`, 1);
  }
}

function fail(message: string, code: number): void {
  process.stderr.write(`sawmill parse: ${message}\n`);
  process.exitCode = code;
}
