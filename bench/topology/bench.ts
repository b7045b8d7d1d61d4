/**
 * The topology benchmark: loads one input topic, runs the stateless and windowed topologies with
 * Kafka Streams (bench/kafka-streams, through run-kafka-streams.sh) and with Sawmill
 * (sawmill-runner.ts) on the same broker and data, checks every output against the ground truth,
 * writes bench/results/topology-<timestamp>.json and prints a Markdown table.
 *
 *   npx tsx bench/topology/bench.ts [--records 1000000] [--seed 1] [--partitions 12]
 *     [--span-ms 600000] [--base-ts MS] [--window-ms 10000] [--grace-ms <span>] [--commit-interval-ms 1000]
 *     [--guarantees at_least_once,exactly_once] [--topologies stateless,windowed]
 *     [--engines kafka-streams,sawmill] [--input-topic T (reuse, needs its .truth.json)]
 *     [--keep-topics] [--no-check]
 *
 * Grace defaults to the event-time span: the windowed topology repartitions, and a repartition
 * partition receives records from all 12 upstream tasks at different event-time positions, so with
 * grace 0 records are dropped as late depending on scheduling and no output could be checked exactly.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { createKafka, parseBrokerList } from '../../lib/kafka/client.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import type { BenchInputOptions } from './bench-input.js';
import { BENCH_DATA_DIR, REPO_ROOT, RESULTS_DIR } from './bench-paths.js';
import {
  compareRuns,
  renderMarkdown,
  type BenchGuarantee,
  type BenchTopology,
  type Engine,
  type EngineRun,
  type TopologyBenchResult,
} from './bench-result.js';
import { deleteBenchTopics } from './bench-topics.js';
import { checkStatelessOutput, checkWindowedOutput, readGroundTruth } from './check-output.js';
import { DEFAULT_SPAN_MS, defaultBaseTimestamp, freshInputTopic, loadBenchInput } from './load-input.js';

/** Signature of sawmill-runner.ts's entry, declared here so bench.ts typechecks while that file cannot yet. */
type RunSawmillTopology = (options: {
  kafka: Kafka;
  logger: Logger;
  topology: BenchTopology;
  guarantee: BenchGuarantee;
  input: string;
  output: string;
  records: number;
  windowMs: number;
  graceMs: number;
  commitIntervalMs: number;
}) => Promise<EngineRun>;

function list<T extends string>(value: string, allowed: readonly T[], name: string): T[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`--${name}: ${item} is not one of ${allowed.join(', ')}`);
  return items as T[];
}

/** Runs run-kafka-streams.sh for one topology and guarantee and parses its JSON line. */
async function runKafkaStreams(env: Record<string, string>, input: string): Promise<EngineRun> {
  const script = path.join(REPO_ROOT, 'bench', 'topology', 'run-kafka-streams.sh');
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(script, [input], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`run-kafka-streams.sh exited ${String(code)}`))));
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as Record<string, unknown> & { topology: BenchTopology; records: number; seconds: number; records_per_s: number; guarantee: string };
  const { engine: _engine, topology, guarantee, records, seconds, records_per_s, ...details } = parsed;
  return {
    engine: 'kafka-streams',
    topology,
    guarantee: guarantee === 'exactly_once_v2' ? 'exactly_once' : 'at_least_once',
    records,
    seconds,
    records_per_s,
    details,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      partitions: { type: 'string', default: '12' },
      'span-ms': { type: 'string', default: String(DEFAULT_SPAN_MS) },
      'window-ms': { type: 'string', default: '10000' },
      'grace-ms': { type: 'string' },
      'base-ts': { type: 'string' },
      'commit-interval-ms': { type: 'string', default: '1000' },
      guarantees: { type: 'string', default: 'at_least_once' },
      topologies: { type: 'string', default: 'stateless,windowed' },
      engines: { type: 'string', default: 'kafka-streams,sawmill' },
      'input-topic': { type: 'string' },
      'keep-topics': { type: 'boolean', default: false },
      'no-check': { type: 'boolean', default: false },
    },
    strict: true,
  });
  // warn: stdout carries the result; kafkajs' info lines (group joins, ...) would bury it
  const logger = createLogger('bench-topology').child({}, { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'warn' });
  const kafka = createKafka({ brokers: parseBrokerList(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'), clientId: 'sawmill-bench-topology', logger });
  const guarantees = list(values.guarantees, ['at_least_once', 'exactly_once'] as const, 'guarantees');
  const topologies = list(values.topologies, ['stateless', 'windowed'] as const, 'topologies');
  const engines = list(values.engines, ['kafka-streams', 'sawmill'] as const, 'engines');
  const windowMs = Number(values['window-ms']);
  const commitIntervalMs = Number(values['commit-interval-ms']);
  const say = (message: string): void => {
    process.stderr.write(`[bench] ${message}\n`);
  };

  // (a) the input: fresh, or a reused topic with its ground truth
  let inputTopic: string;
  let loadSeconds: number | null = null;
  let truthPath: string;
  if (values['input-topic'] !== undefined) {
    inputTopic = values['input-topic'];
    truthPath = path.join(BENCH_DATA_DIR, `${inputTopic}.truth.json`);
  } else {
    const input: BenchInputOptions = {
      records: Number(values.records),
      seed: Number(values.seed),
      baseTimestampMs: values['base-ts'] !== undefined ? Number(values['base-ts']) : defaultBaseTimestamp(Number(values['span-ms'])),
      spanMs: Number(values['span-ms']),
    };
    inputTopic = freshInputTopic(input);
    say(`loading ${input.records} records into ${inputTopic}`);
    const loaded = await loadBenchInput({ kafka, logger, topic: inputTopic, partitions: Number(values.partitions), input, windowMs });
    loadSeconds = loaded.seconds;
    truthPath = loaded.truthPath;
    say(`loaded in ${loaded.seconds.toFixed(1)} s`);
  }
  const truth = await readGroundTruth(truthPath);
  const graceMs = values['grace-ms'] !== undefined ? Number(values['grace-ms']) : truth.spanMs;

  // (b) Kafka Streams, (c) Sawmill: same input, same settings, one run at a time
  let runSawmill: RunSawmillTopology | string;
  try {
    const runner = (await import('./sawmill-runner.js')) as { runSawmillTopology?: RunSawmillTopology };
    runSawmill = runner.runSawmillTopology ?? 'sawmill-runner.ts exports no runSawmillTopology';
  } catch (error) {
    runSawmill = `Sawmill's topology library is not runnable yet (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
  const runs: EngineRun[] = [];
  const outputs: string[] = [];
  for (const topology of topologies) {
    for (const guarantee of guarantees) {
      for (const engine of engines as Engine[]) {
        const output = `${inputTopic}-${engine === 'kafka-streams' ? 'ks' : 'sawmill'}-${topology}-${guarantee}`;
        outputs.push(output);
        let run: EngineRun;
        if (engine === 'sawmill' && typeof runSawmill === 'string') {
          say(`skipping Sawmill ${topology} ${guarantee}: ${runSawmill}`);
          runs.push({ engine, topology, guarantee, records: truth.records, seconds: 0, records_per_s: 0, error: runSawmill });
          continue;
        }
        try {
          if (engine === 'kafka-streams') {
            run = await runKafkaStreams(
              {
                TOPOLOGIES: topology,
                GUARANTEES: guarantee,
                RECORDS: String(truth.records),
                GRACE_MS: String(graceMs),
                COMMIT_INTERVAL_MS: String(commitIntervalMs),
              },
              inputTopic,
            );
          } else {
            say(`sawmill ${topology} ${guarantee} on ${inputTopic}`);
            run = await (runSawmill as RunSawmillTopology)({ kafka, logger, topology, guarantee, input: inputTopic, output, records: truth.records, windowMs, graceMs, commitIntervalMs });
          }
        } catch (error) {
          // one engine failing must not lose the other runs' numbers: record it and go on
          const message = error instanceof Error ? error.message : String(error);
          say(`${engine} ${topology} ${guarantee} FAILED: ${message}`);
          runs.push({ engine, topology, guarantee, records: truth.records, seconds: 0, records_per_s: 0, error: `failed: ${message}` });
          continue;
        }
        say(`${engine} ${topology} ${guarantee}: ${run.records_per_s} records/s`);
        if (!values['no-check']) {
          const check = topology === 'windowed' ? await checkWindowedOutput(kafka, output, truth) : await checkStatelessOutput(kafka, output, truth);
          say(`  output ${check.exact ? 'matches the ground truth' : `DIFFERS from the ground truth: ${JSON.stringify(check)}`}`);
          run = { ...run, check };
        }
        runs.push(run);
      }
    }
  }

  // (d) the result file and the table
  const result: TopologyBenchResult = {
    format: 'sawmill-topology-bench/1',
    created_at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      load_average_1m: os.loadavg()[0] ?? 0,
    },
    input: { topic: inputTopic, records: truth.records, partitions: Number(values.partitions), seed: truth.seed, span_ms: truth.spanMs, load_seconds: loadSeconds, truth_path: path.relative(REPO_ROOT, truthPath) },
    settings: { window_ms: windowMs, grace_ms: graceMs, commit_interval_ms: commitIntervalMs },
    runs,
    comparisons: compareRuns(runs),
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `topology-${result.created_at.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${renderMarkdown(result)}\nresults: ${path.relative(REPO_ROOT, file)}\n`);

  if (!values['keep-topics']) {
    const failures = await deleteBenchTopics(kafka, { topics: [...outputs, ...(values['input-topic'] === undefined ? [inputTopic] : [])] });
    for (const f of failures) say(`cleanup: could not delete ${f}`);
  }
  if (runs.some((r) => (r.check !== undefined && !r.check.exact) || r.error?.startsWith('failed') === true)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
