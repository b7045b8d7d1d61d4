/**
 * Kafka's raw limit on this machine: `kafka-producer-perf-test` (org.apache.kafka.tools.ProducerPerformance,
 * through infra/local/bin/kafka-tool) flat out into a fresh topic with as many partitions as
 * logs.raw, records the size of an average Avro raw event, producing as the agent does (acks=all,
 * gzip, idempotent). Writes bench/results/kafka-producer-perf.json, prints one Markdown line, and
 * deletes the topic.
 *
 *   npx tsx bench/kafka/producer-perf.ts [--records 1000000] [--partitions <logs.raw's>]
 *     [--record-size <measured>] [--keep-topic]
 *
 * The tool's payload is random upper-case letters, which gzip compresses less than real log lines:
 * the bytes on the wire are somewhat more than the agent's, the record count is the same.
 * Environment: KAFKA_BROKERS (default 127.0.0.1:9092).
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { topicSpec } from '../../lib/kafka/topics.js';
import { deleteBenchTopics, ensureBenchTopic } from '../topology/bench-topics.js';
import { REPO_ROOT, RESULTS_DIR } from '../topology/bench-paths.js';
import { parseProducerPerfOutput, type ProducerPerfFigures } from './producer-perf-output.js';
import type { KafkaProducerPerfResult } from './producer-perf-result.js';
import { measureRawEventSize, type RawEventSize } from './raw-event-size.js';

/** Runs the tool and resolves to its stdout; stderr (warnings) passes through. */
function runProducerPerfTest(args: readonly string[]): Promise<string> {
  const tool = path.join(REPO_ROOT, 'infra', 'local', 'bin', 'kafka-tool');
  return new Promise((resolve, reject) => {
    const child = spawn(tool, ['producer-perf-test', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kafka-tool producer-perf-test exited ${String(code)}: ${out.trim().split('\n').pop() ?? ''}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      partitions: { type: 'string', default: String(topicSpec('logs.raw').partitions) },
      'record-size': { type: 'string' },
      'keep-topic': { type: 'boolean', default: false },
    },
  });
  const records = Number(values.records);
  const partitions = Number(values.partitions);
  if (!Number.isInteger(records) || records <= 0) throw new Error(`--records must be a positive integer, got ${values.records}`);
  if (!Number.isInteger(partitions) || partitions <= 0) throw new Error(`--partitions must be a positive integer, got ${values.partitions}`);
  const size: RawEventSize | { given: number } = values['record-size'] === undefined ? measureRawEventSize() : { given: Number(values['record-size']) };
  const recordSize = 'given' in size ? size.given : size.avg_avro_record_bytes;
  if (!Number.isInteger(recordSize) || recordSize <= 0) throw new Error(`--record-size must be a positive integer, got ${String(recordSize)}`);

  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const kafka = new kafkajs.Kafka({ brokers, clientId: 'bench-kafka-producer-perf', logLevel: kafkajs.logLevel.NOTHING });
  const topic = `bench-kafka-perf-${Date.now().toString(36)}`;
  const loadStart = os.loadavg()[0] ?? 0;
  const createdAt = new Date().toISOString();
  await ensureBenchTopic(kafka, topic, partitions);
  let figures: ProducerPerfFigures;
  let wallSeconds: number;
  try {
    const started = performance.now();
    const stdout = await runProducerPerfTest([
      '--topic', topic,
      '--num-records', String(records),
      '--record-size', String(recordSize),
      '--throughput', '-1',
      '--producer-props', `bootstrap.servers=${brokers.join(',')}`, 'acks=all', 'compression.type=gzip', 'enable.idempotence=true',
    ]);
    wallSeconds = Number(((performance.now() - started) / 1000).toFixed(2));
    figures = parseProducerPerfOutput(stdout);
  } finally {
    if (!values['keep-topic']) for (const failure of await deleteBenchTopics(kafka, { topics: [topic] })) process.stderr.write(`cleanup failed: ${failure}\n`);
  }
  const result: KafkaProducerPerfResult = {
    format: 'sawmill-kafka-producer-perf/1',
    created_at: createdAt,
    machine: { cpus: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30), load_average_1m_start: Number(loadStart.toFixed(2)), load_average_1m_end: Number((os.loadavg()[0] ?? 0).toFixed(2)) },
    settings: { topic, partitions, records, record_size_bytes: recordSize, producer: 'acks=all, gzip, idempotent, --throughput -1' },
    record_size: size,
    wall_seconds: wallSeconds,
    result: figures,
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, 'kafka-producer-perf.json');
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  const l = figures.latency_ms;
  process.stdout.write(
    `\n## Kafka raw limit: kafka-producer-perf-test, ${records.toLocaleString('en-US')} records of ${recordSize} B, ${partitions} partitions\n\n` +
      `${Math.round(figures.records_per_s).toLocaleString('en-US')} records/s (${figures.mb_per_s} MB/s), latency ms avg ${l.avg} p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} p99.9 ${l.p999} max ${l.max}\n\n` +
      `Results: ${path.relative(REPO_ROOT, out)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`kafka producer-perf bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
