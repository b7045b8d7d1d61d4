/**
 * The end-to-end benchmark (issue #11, part 1): agent file → Kafka → stream → OpenSearch and
 * PostgreSQL on the local stack, ramped step by step to the highest rate the whole pipeline
 * sustains with zero loss and bounded backlog, narrowed by bisection after the first failed step,
 * then confirmed with one long run. Expects the stack
 * running: postgres, kafka, opensearch, registry, topics, stream, sink-postgres, sink-opensearch
 * and agent (`infra/local/stack up stream sink-postgres sink-opensearch agent`), and no other
 * writer (no `demo`, no `canary`). Run from the repository root, under the machine lock:
 *
 *   flock -x /tmp/sawmill-machine.lock npx tsx bench/e2e/e2e-bench.ts [--rates 2000,4000] [--refine-steps 2] [--step-s 60] [--confirm-s 180] [--drain-timeout-s 90]
 *
 * Writes bench/results/e2e-<timestamp>.json and bench/results/e2e.json; prints a Markdown table
 * on stdout; logs go to stderr.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { createOpenSearchClient } from '../../lib/opensearch.js';
import { createPgPool } from '../../lib/postgres.js';
import type { E2eResult } from './e2e-result.js';
import { parseE2eOptions } from './e2e-options.js';
import { renderMarkdownTable } from './markdown-table.js';
import { isIdle, readPipelineState, type PipelineState } from './pipeline-state.js';
import { createProbeSearch } from './probe-search.js';
import { runStep, type SeriesPoint, type StepRun } from './run-step.js';
import { nextRampAction } from './sustained-decision.js';

const options = parseE2eOptions(process.argv.slice(2));
const logger = pino({ base: { component: 'e2e-bench' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
const root = process.cwd();
const local = path.join(root, '.local');
const AGENT_METRICS = `http://127.0.0.1:${process.env['AGENT_METRICS_PORT'] ?? '9405'}/metrics`;
const READY_URLS: Record<string, string> = {
  agent: `http://127.0.0.1:${process.env['AGENT_METRICS_PORT'] ?? '9405'}/readyz`,
  stream: `http://127.0.0.1:${process.env['STREAM_METRICS_PORT'] ?? '9401'}/readyz`,
  'sink-opensearch': `http://127.0.0.1:${process.env['SINK_OPENSEARCH_METRICS_PORT'] ?? '9402'}/readyz`,
  'sink-postgres': `http://127.0.0.1:${process.env['SINK_POSTGRES_METRICS_PORT'] ?? '9403'}/readyz`,
};
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function checkStackReady(): Promise<void> {
  const down: string[] = [];
  for (const [name, url] of Object.entries(READY_URLS)) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(3000) }).then((r) => r.ok, () => false);
    if (!ok) down.push(name);
  }
  if (down.length > 0) throw new Error(`not ready: ${down.join(', ')}; start them with infra/local/stack up stream sink-postgres sink-opensearch agent`);
}

const openSearch = createOpenSearchClient({ node: process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200', logger, requestTimeoutMs: 10_000 });
const pool = createPgPool({ url: process.env['SAWMILL_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill', applicationName: 'sawmill-e2e-bench', logger, max: 4 });
const kafka = new Kafka({ clientId: 'sawmill-e2e-bench', brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), logLevel: logLevel.WARN });
const admin = kafka.admin();

try {
  await checkStackReady();
  await admin.connect();

  // A clean start: old files or a previous run still in flight would be counted as this run's backlog.
  const settleStart = performance.now();
  let previous: PipelineState | undefined;
  let state = await readPipelineState(admin, AGENT_METRICS);
  while (!isIdle(state, previous) && performance.now() - settleStart < options.settleTimeoutS * 1000) {
    logger.info({ agent_read: state.agentRead, agent_pending: state.agentPending, lags: state.lags }, 'waiting for the pipeline to be idle');
    await sleep(3000);
    previous = state;
    state = await readPipelineState(admin, AGENT_METRICS);
  }
  const settledClean = isIdle(state, previous);
  if (!settledClean) logger.warn({ state }, 'the pipeline is still busy at the settle deadline; measuring anyway');

  const search = createProbeSearch(openSearch, 'sawmill-logs-*', 5000);
  const series: SeriesPoint[] = [];
  const ctx = {
    openSearch,
    pool,
    search,
    logger,
    demoDir: path.join(local, 'data', 'demo-logs'),
    probePath: path.join(local, 'data', 'canary', 'bench-probes.log'),
    runDir: path.join(local, 'run'),
    probesPerS: options.probesPerS,
    probeTimeoutS: options.probeTimeoutS,
    drainTimeoutS: options.drainTimeoutS,
    runStartedAt: performance.now(),
    series,
  };

  const ramp: StepRun[] = [];
  const confirmations: StepRun[] = [];
  let sustainedLogsPerS = 0;
  for (;;) {
    const action = nextRampAction(options.rates, { ramp, confirmations }, options.refineSteps);
    if (action.kind === 'done') {
      sustainedLogsPerS = action.sustainedLogsPerS;
      break;
    }
    if (action.kind === 'step') ramp.push(await runStep(ctx, action.rate, options.stepS));
    else confirmations.push(await runStep(ctx, action.rate, options.confirmS));
  }

  const confirmation = confirmations.find((run) => run.sustained) ?? confirmations.at(-1) ?? null;
  const strip = ({ tag: _tag, probeTimeouts: _timeouts, ...step }: StepRun) => ({ ...step, marker: _tag, latencyMs: { ...step.latencyMs, timeouts: _timeouts } });
  const result: E2eResult & { confirmations: unknown[] } = {
    format: 'sawmill-e2e-bench/1',
    created_at: new Date().toISOString(),
    machine: { cores: os.cpus().length, memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10, node: process.version, loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100 },
    settings: { ...options, settledClean, confirmationAttempts: confirmations.map((run) => ({ rate: run.targetLogsPerS, sustained: run.sustained, reason: run.reason })) },
    ramp: ramp.map(strip),
    confirmation: confirmation === null ? null : strip(confirmation),
    // Every confirmation attempt (the first, and the one 20% lower if the first failed).
    confirmations: confirmations.map(strip),
    e2e: {
      sustained_logs_per_s: sustainedLogsPerS,
      p50_ms: confirmation?.sustained === true ? confirmation.latencyMs.p50 : null,
      p99_ms: confirmation?.sustained === true ? confirmation.latencyMs.p99 : null,
    },
    series,
  };
  const dir = path.resolve(root, options.resultsDir);
  await mkdir(dir, { recursive: true });
  const body = `${JSON.stringify(result, null, 2)}\n`;
  const stamp = result.created_at.replace(/[:.]/g, '-');
  await writeFile(path.join(dir, `e2e-${stamp}.json`), body);
  await writeFile(path.join(dir, 'e2e.json'), body);
  logger.info({ sustained_logs_per_s: sustainedLogsPerS, file: path.join(dir, `e2e-${stamp}.json`) }, 'end-to-end benchmark done');
  process.stdout.write(renderMarkdownTable(result));
} finally {
  await Promise.allSettled([admin.disconnect(), pool.end(), openSearch.close()]);
}
