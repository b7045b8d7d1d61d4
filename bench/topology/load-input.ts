/**
 * Produces the topology benchmark's input to a fresh topic and writes its ground truth.
 *
 *   npx tsx bench/topology/load-input.ts [--records 1000000] [--seed 1] [--topic NAME]
 *     [--partitions 12] [--span-ms 600000] [--window-ms 10000] [--base-ts MS (default: the span ending now)]
 *
 * Prints one JSON line: { topic, records, partitions, seconds, records_per_s, truth_path }.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Kafka, Message } from 'kafkajs';
import { createKafka, parseBrokerList, producerDefaults, sendDefaults } from '../../lib/kafka/client.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { GroundTruthBuilder, generateBenchRecords, type BenchInputOptions, type GroundTruth } from './bench-input.js';
import { BENCH_DATA_DIR } from './bench-paths.js';

/** Options of loadBenchInput. */
export interface LoadInputOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** the topic to create; it must not exist (a fresh topic keeps runs comparable) */
  readonly topic: string;
  /** partitions of the input topic (the design's logs.raw has 12) */
  readonly partitions: number;
  readonly input: BenchInputOptions;
  /** window size the ground truth counts over (the windowed topology's) */
  readonly windowMs: number;
  /** messages per produce call */
  readonly batchSize?: number;
}

/** What loadBenchInput wrote. */
export interface LoadedInput {
  readonly topic: string;
  readonly partitions: number;
  readonly records: number;
  readonly seconds: number;
  readonly truth: GroundTruth;
  /** the ground truth as a JSON file under .local/bench/ */
  readonly truthPath: string;
}

/** Default event-time span: 10 minutes, i.e. 60 tumbling 10 s windows. */
export const DEFAULT_SPAN_MS = 600_000;
/**
 * Default first event time: the span ending now, rounded down to the minute. Recent on purpose:
 * internal topics with time-based retention (a 7-day repartition topic, a windowed changelog kept
 * for the store retention plus a day) would have the broker delete old-timestamped records mid-run.
 * Pass --base-ts (recorded in the truth file) to reproduce an input byte for byte.
 */
export function defaultBaseTimestamp(spanMs: number, nowMs = Date.now()): number {
  return Math.floor((nowMs - spanMs) / 60_000) * 60_000;
}

/**
 * Creates `topic` (no time-based retention: the events carry fixed, old timestamps), produces the
 * generated records with acks=all from an idempotent producer, and writes the ground truth file.
 * Throws if the topic already exists.
 */
export async function loadBenchInput(options: LoadInputOptions): Promise<LoadedInput> {
  const { kafka, logger, topic, partitions, input, windowMs } = options;
  const batchSize = options.batchSize ?? 10_000;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, configEntries: [{ name: 'retention.ms', value: '-1' }] }],
    });
    if (!created) throw new Error(`input topic ${topic} already exists; the benchmark wants a fresh one`);
  } finally {
    await admin.disconnect();
  }

  const producer = kafka.producer({ ...producerDefaults });
  await producer.connect();
  const truth = new GroundTruthBuilder(input, windowMs);
  const started = process.hrtime.bigint();
  try {
    let batch: Message[] = [];
    for (const record of generateBenchRecords(input)) {
      truth.add(record.event);
      batch.push({ key: record.key, value: record.value, timestamp: String(record.event.ts) });
      if (batch.length === batchSize) {
        await producer.send({ topic, messages: batch, ...sendDefaults });
        batch = [];
      }
    }
    if (batch.length > 0) await producer.send({ topic, messages: batch, ...sendDefaults });
  } finally {
    await producer.disconnect();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const result = truth.result();
  await mkdir(BENCH_DATA_DIR, { recursive: true });
  const truthPath = path.join(BENCH_DATA_DIR, `${topic}.truth.json`);
  await writeFile(truthPath, `${JSON.stringify({ topic, partitions, ...result })}\n`);
  logger.info({ topic, records: input.records, seconds, truth_path: truthPath }, 'bench input loaded');
  return { topic, partitions, records: input.records, seconds, truth: result, truthPath };
}

/** A fresh input topic name for a run. */
export function freshInputTopic(input: BenchInputOptions): string {
  return `sawmill-bench-input-s${input.seed}-n${input.records}-${Date.now()}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      topic: { type: 'string' },
      partitions: { type: 'string', default: '12' },
      'span-ms': { type: 'string', default: String(DEFAULT_SPAN_MS) },
      'window-ms': { type: 'string', default: '10000' },
      'base-ts': { type: 'string' },
    },
    strict: true,
  });
  const input: BenchInputOptions = {
    records: Number(values.records),
    seed: Number(values.seed),
    baseTimestampMs: values['base-ts'] !== undefined ? Number(values['base-ts']) : defaultBaseTimestamp(Number(values['span-ms'])),
    spanMs: Number(values['span-ms']),
  };
  // warn: stdout carries the result; kafkajs' info lines (group joins, ...) would bury it
  const logger = createLogger('bench-load-input').child({}, { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'warn' });
  const kafka = createKafka({
    brokers: parseBrokerList(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'),
    clientId: 'sawmill-bench-load-input',
    logger,
  });
  const loaded = await loadBenchInput({
    kafka,
    logger,
    topic: values.topic ?? freshInputTopic(input),
    partitions: Number(values.partitions),
    input,
    windowMs: Number(values['window-ms']),
  });
  process.stdout.write(
    `${JSON.stringify({
      topic: loaded.topic,
      records: loaded.records,
      partitions: loaded.partitions,
      seconds: Number(loaded.seconds.toFixed(3)),
      records_per_s: Math.round(loaded.records / loaded.seconds),
      truth_path: loaded.truthPath,
    })}\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`load-input failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
