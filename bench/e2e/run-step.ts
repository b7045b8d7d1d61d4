/**
 * One step of the end-to-end benchmark: the generator writes at a target rate for a while, with
 * latency probes and CPU/memory sampling alongside; the backlog is sampled every second; then
 * the step waits for every line to reach both stores (or the deadline) and is judged.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../lib/logger.js';
import type { OpenSearchClient } from '../../lib/opensearch.js';
import type { PgPool } from '../../lib/postgres.js';
import { secondHalfSlope, type BacklogSample } from './backlog-slope.js';
import { startUsageMeter } from './component-usage.js';
import type { E2eStep } from './e2e-result.js';
import { latencySummary } from './percentiles.js';
import { startProber } from './probe-latency.js';
import type { ProbeSearch } from './probe-search.js';
import { countStep, type StoreCounts } from './store-counts.js';
import { judgeStep } from './sustained-decision.js';

/** One point of the run's per-second series (see E2eResult.series). */
export interface SeriesPoint {
  readonly t: number;
  readonly target: number;
  readonly written: number;
  readonly delivered: number;
  readonly backlog: number;
}

/** What a step needs from the bench. */
export interface StepContext {
  readonly openSearch: OpenSearchClient;
  readonly pool: PgPool;
  readonly search: ProbeSearch;
  readonly logger: Logger;
  readonly demoDir: string;
  readonly probePath: string;
  readonly runDir: string;
  readonly probesPerS: number;
  readonly probeTimeoutS: number;
  readonly drainTimeoutS: number;
  /** When the whole run started (performance.now() ms), for series times. */
  readonly runStartedAt: number;
  /** The per-second series of the whole run; the step appends to it. */
  readonly series: SeriesPoint[];
}

/** A step with its marker, for the logs. */
export interface StepRun extends E2eStep {
  readonly tag: string;
  readonly probeTimeouts: number;
}

const WORKER = fileURLToPath(new URL('./generator-worker.ts', import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface WorkerMessage {
  readonly startedAtMs?: number;
  readonly written?: number;
  readonly done?: boolean;
  readonly endedAtMs?: number;
  readonly cpuSeconds?: number;
  readonly maxRssMiB?: number;
}

/** Runs one step at `rate` lines/s for `seconds` and judges it. */
export async function runStep(ctx: StepContext, rate: number, seconds: number): Promise<StepRun> {
  const { logger } = ctx;
  const tag = `bench_step=e2e${randomBytes(8).toString('hex')}`;
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, String(rate), String(seconds * 1000), ctx.demoDir, tag, String(randomBytes(4).readUInt32LE(0))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Started right after the generator, whose own start-up (tsx compiling) is part of its cost.
  const meter = startUsageMeter(ctx.runDir, () => child.pid);
  // 'close', not 'exit': the last stdout lines (the final count) may still be unread at 'exit'.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let startedAtMs: number | undefined;
  let written = 0;
  let final: WorkerMessage | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as WorkerMessage;
    if (message.startedAtMs !== undefined && startedAtMs === undefined) startedAtMs = message.startedAtMs;
    if (message.written !== undefined) written = message.written;
    if (message.done === true) final = message;
  });
  logger.info({ rate, seconds, tag, generator_pid: child.pid }, 'step started');
  const prober = startProber({ path: ctx.probePath, search: ctx.search, probesPerS: ctx.probesPerS, timeoutMs: ctx.probeTimeoutS * 1000, logger });

  const stepStart = performance.now();
  const samples: BacklogSample[] = [];
  let last: { written: number; delivered: number } = { written: 0, delivered: 0 };
  let counts: StoreCounts = { openSearch: 0, postgres: 0 };
  const identity = () => ({ tag, fromMs: startedAtMs ?? Date.now(), toMs: final?.endedAtMs ?? Date.now() });
  const record = async (target: number): Promise<void> => {
    // What was written and when, as of the moment the stores are asked: a count that takes seconds
    // on a loaded machine must not count the lines written meanwhile as backlog (it made the
    // backlog look like it grew whenever the counts slowed down).
    const nowWritten = final?.written ?? written;
    // Step time counts from the generator's first line, so the second half is the second half of the writing.
    const t = startedAtMs === undefined ? (performance.now() - stepStart) / 1000 : (Date.now() - startedAtMs) / 1000;
    try {
      counts = await countStep(ctx.openSearch, ctx.pool, identity());
    } catch (error) {
      logger.warn({ err: error }, 'counting the step in the stores failed; keeping the last counts');
    }
    const delivered = Math.min(counts.openSearch, counts.postgres);
    samples.push({ t, backlog: nowWritten - delivered });
    ctx.series.push({
      t: Math.round((performance.now() - ctx.runStartedAt) / 100) / 10,
      target,
      written: nowWritten - last.written,
      delivered: delivered - last.delivered,
      backlog: nowWritten - delivered,
    });
    last = { written: nowWritten, delivered };
  };

  // Writing: one sample a second until the generator is done.
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const tickStart = performance.now();
    meter.sample();
    await record(rate);
    await Promise.race([exited, sleep(Math.max(0, 1000 - (performance.now() - tickStart)))]);
  }
  const code = await exited;
  if (code !== 0 || final === undefined) throw new Error(`the generator exited with code ${code}; see the log above`);
  const stepSeconds = (final.endedAtMs! - final.startedAtMs!) / 1000;
  // The generator reports its own usage (it has exited by now), over its whole life.
  const components = [
    ...meter.finish().filter((usage) => usage.component !== 'generator'),
    { component: 'generator', cpuCores: Math.round(((final.cpuSeconds ?? 0) / stepSeconds) * 1000) / 1000, rssMiB: Math.round(final.maxRssMiB ?? 0) },
  ].sort((a, b) => b.cpuCores - a.cpuCores);
  await record(rate);
  const stepSamples = [...samples];
  const deliveredAtEnd = Math.min(counts.openSearch, counts.postgres);
  const probes = prober.stop();
  logger.info({ rate, written: final.written, open_search: counts.openSearch, postgres: counts.postgres }, 'step written; draining');

  // Draining: until both stores hold every line, or the deadline.
  const drainStart = performance.now();
  let drainSeconds: number | null = null;
  for (;;) {
    if (counts.openSearch >= final.written! && counts.postgres >= final.written!) {
      drainSeconds = Math.round((performance.now() - drainStart) / 100) / 10;
      break;
    }
    if (performance.now() - drainStart > ctx.drainTimeoutS * 1000) break;
    await sleep(1000);
    await record(0);
  }
  // A second look after a short pause catches late duplicates (counts above written).
  await sleep(1500);
  await record(0);
  const outcome = await probes;

  const facts = {
    targetLogsPerS: rate,
    writtenLogsPerS: Math.round(final.written! / stepSeconds),
    written: final.written!,
    storedOpenSearch: counts.openSearch,
    storedPostgres: counts.postgres,
    backlogSlopePerS: Math.round(secondHalfSlope(stepSamples, stepSeconds) * 10) / 10,
    drainSeconds,
  };
  const verdict = judgeStep(facts);
  const summary = latencySummary(outcome.latenciesMs);
  const step: StepRun = {
    ...facts,
    deliveredLogsPerS: Math.round(deliveredAtEnd / stepSeconds),
    seconds: Math.round(stepSeconds * 10) / 10,
    backlogStart: stepSamples[0]?.backlog ?? 0,
    backlogEnd: stepSamples.at(-1)?.backlog ?? 0,
    latencyMs: { probes: outcome.latenciesMs.length + outcome.timeouts, ...summary },
    sustained: verdict.sustained,
    reason: verdict.reason,
    components,
    tag,
    probeTimeouts: outcome.timeouts,
  };
  logger.info({ ...step, components: undefined }, 'step judged');
  return step;
}
