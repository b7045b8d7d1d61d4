/**
 * The agent benchmark: lines per second from a file to acknowledged in Kafka, for the Sawmill
 * agent side by side with rsyslog (imfile → omkafka) and with `kcat -P` (the raw limit), one
 * engine at a time on the same file and broker, each into its own fresh topic. All three produce
 * gzip, acks=all, idempotent. Writes bench/results/agent-<timestamp>.json and prints a Markdown table.
 *
 *   npx tsx bench/agent/bench.ts [--lines 1000000] [--seed 1] [--partitions 12]
 *     [--engines kcat,rsyslog,agent] [--agent-entry dist|tsx] [--timeout-s 900] [--keep-topics]
 *     [--cpu-prof-dir <dir>]
 *
 * Wall time runs from spawning the engine to the last line acknowledged (kcat: its exit, after
 * delivery; rsyslog: the topic's end offsets summing to N; agent: its acknowledged-lines metric
 * summing to N, then the offsets checked), so start-up is included for every engine alike.
 *
 * "CPU cores at 10,000 lines/s" = (cpu_seconds / wall_seconds) * (10,000 / lines_per_s), which is
 * the same as cpu_seconds / (lines / 10,000): the CPU one engine would need to keep up with a
 * steady 10,000 lines/s, assuming its cost is linear in lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import pg from 'pg';
import { stringify } from 'yaml';
import { createLogger } from '../../lib/logger.js';
import { startRegistryServer } from '../../schemas/registry/server.js';
import { ensureTestDatabase } from '../../test/support/test-database.js';
import { deleteBenchTopics, ensureBenchTopic } from '../topology/bench-topics.js';
import { AGENT_BENCH_DIR, REPO_ROOT, defaultInputPath, makeInput } from './make-input.js';
import { parseBashTimes, processCpuSeconds } from './process-cpu.js';

const ENGINES = ['kcat', 'rsyslog', 'agent'] as const;
/** An engine under test. */
type Engine = (typeof ENGINES)[number];

/** One engine's measurement. */
interface EngineRun {
  engine: Engine;
  topic: string;
  lines: number;
  wall_seconds: number;
  lines_per_s: number;
  cpu_seconds: number;
  /** (cpu_seconds / wall_seconds) * (10,000 / lines_per_s). */
  cpu_cores_at_10k_lines_per_s: number;
  /** Records in the topic at the end (≥ lines; more means resends). */
  records_in_topic: number;
}

const logger = createLogger('bench-agent');
const POLL_MS = 100;
const results = path.join(REPO_ROOT, 'bench', 'results');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sum of the end offsets of every partition of `topic`. */
async function topicRecords(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** Polls `check` every POLL_MS until it is true; rejects after `timeoutMs` or when `child` exits first. */
async function pollUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      // A fresh topic's leaders can still be moving (NOT_LEADER_FOR_PARTITION): ask again next
      // round, but let a non-retriable error end the run.
      if ((error as { retriable?: unknown }).retriable !== true) throw error;
    }
    if (child !== undefined && child.exitCode !== null) throw new Error(`${what}: the engine exited early with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** Sends SIGTERM, waits up to 30 s, then SIGKILL. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** A TCP port free right now on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function finish(engine: Engine, topic: string, lines: number, wallSeconds: number, cpuSeconds: number, recordsInTopic: number): EngineRun {
  const linesPerS = lines / wallSeconds;
  return {
    engine,
    topic,
    lines,
    wall_seconds: round(wallSeconds, 3),
    lines_per_s: Math.round(linesPerS),
    cpu_seconds: round(cpuSeconds, 3),
    cpu_cores_at_10k_lines_per_s: round((cpuSeconds / wallSeconds) * (10_000 / linesPerS), 4),
    records_in_topic: recordsInTopic,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

interface RunContext {
  admin: Admin;
  brokers: string[];
  file: string;
  lines: number;
  timeoutMs: number;
}

/** kcat -P: reads the file line by line and exits once every message is delivered. */
async function runKcat({ admin, brokers, file, lines, timeoutMs }: RunContext, topic: string): Promise<EngineRun> {
  const args = ['-P', '-b', brokers.join(','), '-t', topic, '-l', '-z', 'gzip', '-X', 'acks=all', '-X', 'enable.idempotence=true', file];
  // bash's `times` reports the CPU of kcat after it exited, which /proc no longer can.
  const started = process.hrtime.bigint();
  const child = spawn('bash', ['-c', 'kcat "$@"; rc=$?; times; exit $rc', 'kcat', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`kcat exited ${String(code)}`);
  const cpu = parseBashTimes(out);
  if (cpu === undefined) throw new Error(`could not read kcat's CPU time from: ${out}`);
  await pollUntil(`kcat: ${lines} records in ${topic}`, async () => (await topicRecords(admin, topic)) >= lines, timeoutMs);
  return finish('kcat', topic, lines, wall, cpu, await topicRecords(admin, topic));
}

/** A private rsyslogd (never the system service): imfile from the start of the file, omkafka to the topic. */
async function runRsyslog({ admin, brokers, file, lines, timeoutMs }: RunContext, topic: string): Promise<EngineRun> {
  if (!existsSync('/usr/sbin/rsyslogd')) throw new Error('rsyslogd is missing: apt-get install rsyslog rsyslog-kafka (infra/local/run-bench does)');
  const dir = path.join(AGENT_BENCH_DIR, 'rsyslog');
  await rm(dir, { recursive: true, force: true });
  const work = path.join(dir, 'work');
  await mkdir(work, { recursive: true });
  const conf = path.join(dir, 'rsyslog.conf');
  const q = (s: string): string => JSON.stringify(s);
  await writeFile(
    conf,
    [
      '# Generated by bench/agent/bench.ts for one run.',
      // 64 KiB like the agent's maxLineBytes, so neither engine truncates where the other would not.
      `global(workDirectory=${q(work)} maxMessageSize="64k")`,
      'module(load="imfile")',
      'module(load="omkafka")',
      'template(name="rawline" type="string" string="%msg%")',
      `input(type="imfile" file=${q(file)} tag="bench" freshStartTail="off" readMode="0" ruleset="tokafka")`,
      'ruleset(name="tokafka") {',
      // librdkafka's default local queue (100,000 messages) overflows when imfile reads flat out,
      // and omkafka then drops lines ("Local: Queue full"); a queue larger than the file and
      // resubmitOnFailure make rsyslog lossless, which is the only fair baseline.
      `  action(type="omkafka" broker=[${brokers.map(q).join(',')}] topic=${q(topic)} template="rawline" resubmitOnFailure="on"`,
      '         confParam=["compression.codec=gzip", "acks=all", "enable.idempotence=true", "queue.buffering.max.messages=2000000"])',
      '}',
      '',
    ].join('\n'),
  );
  const logFd = openSync(path.join(dir, 'rsyslogd.log'), 'a');
  const started = process.hrtime.bigint();
  const child = spawn('/usr/sbin/rsyslogd', ['-n', '-f', conf, '-i', path.join(dir, 'rsyslogd.pid')], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  try {
    await pollUntil(`rsyslog: ${lines} records in ${topic}`, async () => (await topicRecords(admin, topic)) >= lines, timeoutMs, child);
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = processCpuSeconds(child.pid!);
    return finish('rsyslog', topic, lines, wall, cpu, await topicRecords(admin, topic));
  } finally {
    await stopChild(child);
  }
}

/** Sum of `sawmill_agent_lines_acknowledged_total` over sources, from the agent's /metrics. */
async function acknowledged(metricsUrl: string): Promise<number> {
  try {
    const response = await fetch(metricsUrl);
    if (!response.ok) return 0;
    let sum = 0;
    for (const line of (await response.text()).split('\n')) {
      if (line.startsWith('sawmill_agent_lines_acknowledged_total')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  } catch {
    return 0; // not listening yet
  }
}

/** The Sawmill agent as a child process with one file source, fresh checkpoint and spool. */
async function runAgent(ctx: RunContext, topic: string, registryUrl: string, entry: 'dist' | 'tsx', cpuProfDir: string | undefined): Promise<EngineRun> {
  const { admin, brokers, file, lines, timeoutMs } = ctx;
  const dir = path.join(AGENT_BENCH_DIR, 'sawmill-agent');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const metricsPort = await freePort();
  const config = path.join(dir, 'agent.yaml');
  await writeFile(
    config,
    `# Generated by bench/agent/bench.ts for one run.\n${stringify({
      agentId: 'bench-agent',
      checkpointPath: path.join(dir, 'checkpoint.json'),
      spool: { dir: path.join(dir, 'spool') },
      metricsPort,
      kafka: { brokers, topic },
      registry: { url: registryUrl },
      sources: [{ type: 'file', id: 'bench', include: [file], startAt: 'beginning', labels: { service: 'bench', env: 'bench' } }],
    })}`,
  );
  const args = entry === 'dist' ? [path.join(REPO_ROOT, 'dist', 'bin', 'sawmill.js')] : ['--import', 'tsx', path.join(REPO_ROOT, 'bin', 'sawmill.ts')];
  const logFd = openSync(path.join(dir, 'agent.log'), 'a');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...(cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`]), ...args, 'agent', '--config', config], { cwd: REPO_ROOT, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  try {
    await pollUntil(`agent: ${lines} lines acknowledged`, async () => (await acknowledged(metricsUrl)) >= lines, timeoutMs, child);
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = processCpuSeconds(child.pid!);
    await pollUntil(`agent: ${lines} records in ${topic}`, async () => (await topicRecords(admin, topic)) >= lines, 30_000);
    return finish('agent', topic, lines, wall, cpu, await topicRecords(admin, topic));
  } finally {
    await stopChild(child);
  }
}

/** The Markdown table of the runs plus the agent's ratios to the others. */
function renderMarkdown(runs: readonly EngineRun[]): string {
  const rows = [
    '| engine | lines | wall s | lines/s | CPU s | CPU cores at 10,000 lines/s | records in topic |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => `| ${r.engine} | ${r.lines} | ${r.wall_seconds.toFixed(2)} | ${r.lines_per_s} | ${r.cpu_seconds.toFixed(2)} | ${r.cpu_cores_at_10k_lines_per_s.toFixed(3)} | ${r.records_in_topic} |`),
  ];
  const agent = runs.find((r) => r.engine === 'agent');
  if (agent !== undefined) {
    rows.push('', '| ratio | throughput (lines/s) | CPU per line |', '|---|---:|---:|');
    for (const other of runs.filter((r) => r.engine !== 'agent')) {
      rows.push(`| agent / ${other.engine} | ${(agent.lines_per_s / other.lines_per_s).toFixed(2)} | ${(agent.cpu_cores_at_10k_lines_per_s / other.cpu_cores_at_10k_lines_per_s).toFixed(2)} |`);
    }
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      partitions: { type: 'string', default: '12' },
      engines: { type: 'string', default: ENGINES.join(',') },
      'agent-entry': { type: 'string', default: 'dist' },
      'timeout-s': { type: 'string', default: '900' },
      'keep-topics': { type: 'boolean', default: false },
      // Where the agent writes a V8 CPU profile (.cpuprofile) when it exits, to see where its time goes.
      'cpu-prof-dir': { type: 'string' },
    },
  });
  const lines = Number(values.lines);
  const seed = Number(values.seed);
  const partitions = Number(values.partitions);
  const timeoutMs = Number(values['timeout-s']) * 1000;
  const entry = values['agent-entry'];
  if (entry !== 'dist' && entry !== 'tsx') throw new Error(`--agent-entry: ${entry} is not dist or tsx`);
  const engines = values.engines.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const e of engines) if (!ENGINES.includes(e as Engine)) throw new Error(`--engines: ${e} is not one of ${ENGINES.join(', ')}`);
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const pgUrl = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill_test';

  const file = defaultInputPath(lines, seed);
  if (!existsSync(file)) logger.info(await makeInput({ lines, seed }), 'input written');
  const kafka: Kafka = new kafkajs.Kafka({ brokers, clientId: 'bench-agent', logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  const loadAtStart = os.loadavg()[0] ?? 0;
  const prefix = `bench-agent-${Date.now().toString(36)}-`;
  const runs: EngineRun[] = [];
  const ctx: RunContext = { admin, brokers, file, lines, timeoutMs };
  const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
  let registry: Awaited<ReturnType<typeof startRegistryServer>> | undefined;
  try {
    for (const engine of engines as Engine[]) {
      const topic = `${prefix}${engine}`;
      await ensureBenchTopic(kafka, topic, partitions);
      logger.info({ engine, topic, lines }, 'engine starting');
      let run: EngineRun;
      if (engine === 'kcat') run = await runKcat(ctx, topic);
      else if (engine === 'rsyslog') run = await runRsyslog(ctx, topic);
      else {
        if (registry === undefined) {
          await ensureTestDatabase(pgUrl);
          registry = await startRegistryServer({ port: 0, pool, logger: createLogger('bench-registry', { level: 'warn' }) });
        }
        run = await runAgent(ctx, topic, registry.url, entry, values['cpu-prof-dir']);
      }
      logger.info({ ...run }, 'engine done');
      runs.push(run);
    }
  } finally {
    await registry?.close();
    await pool.end();
    await admin.disconnect();
    if (!values['keep-topics']) {
      const failures = await deleteBenchTopics(kafka, { prefixes: [prefix] });
      for (const failure of failures) logger.warn({ failure }, 'cleanup failed');
    }
  }
  const result = {
    benchmark: 'agent',
    started_at: runId,
    // The broker shares the machine, so its size and load belong next to the numbers.
    host: { cpus: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version, load_1m_start: round(loadAtStart, 2), load_1m_end: round(os.loadavg()[0] ?? 0, 2) },
    input: { file: path.relative(REPO_ROOT, file), lines, seed },
    partitions,
    producer: 'gzip, acks=all, idempotent',
    agent_entry: entry,
    cpu_cores_at_10k_definition: '(cpu_seconds / wall_seconds) * (10000 / lines_per_s) = cpu_seconds / (lines / 10000)',
    runs,
  };
  await mkdir(results, { recursive: true });
  const out = path.join(results, `agent-${runId}.json`);
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n## Agent: file to acknowledged in Kafka (${lines} lines, ${partitions} partitions)\n\n${renderMarkdown(runs)}\n\nResults: ${path.relative(REPO_ROOT, out)}\n`);
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'agent benchmark failed');
  process.exitCode = 1;
});
