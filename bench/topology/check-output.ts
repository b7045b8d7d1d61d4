/**
 * Reads a benchmark output topic to its end and compares it with the ground truth: the windowed
 * topology's final count per window (last value per key), the stateless topology's record count.
 *
 *   npx tsx bench/topology/check-output.ts --truth .local/bench/<input>.truth.json --topic OUT --topology windowed
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Kafka } from 'kafkajs';
import { createKafka, parseBrokerList } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/logger.js';
import type { GroundTruth } from './bench-input.js';

/** How an output topic compares with the ground truth. */
export interface OutputCheck {
  readonly topology: 'stateless' | 'windowed';
  readonly topic: string;
  /** true when the output is exactly what the truth says */
  readonly exact: boolean;
  /** records read from the output topic */
  readonly outputRecords: number;
  /** windowed: windows expected / found, and how many final counts differ (missing and extra keys included) */
  readonly expectedWindows?: number;
  readonly actualWindows?: number;
  readonly mismatchedWindows?: number;
  /** windowed: sum of final counts (equals the input count when nothing was lost or dropped as late) */
  readonly countedRecords?: number;
  /** up to 5 differing keys, for the report */
  readonly examples?: readonly { key: string; expected: number | null; actual: number | null }[];
  /** stateless: records the truth expects */
  readonly expectedRecords?: number;
}

/** Reads every record of `topic` up to the end offsets taken at the start (read_committed), calling `onRecord`. */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  onRecord: (key: string | null, value: string | null) => void,
  deadlineMs = 300_000,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `sawmill-bench-check-${topic}-${Date.now()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const remaining = new Map<number, bigint>();
    for (const p of ends) if (BigInt(p.high) > BigInt(p.low)) remaining.set(p.partition, BigInt(p.high));
    let read = 0;
    if (remaining.size === 0) return 0;
    const consumer = kafka.consumer({ groupId, readUncommitted: false, maxBytes: 50 * 1024 * 1024 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`reading ${topic}: partitions ${[...remaining.keys()].join(',')} not at their end after ${deadlineMs} ms`)),
          deadlineMs,
        );
        consumer
          .run({
            eachBatchAutoResolve: true,
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) {
                read += 1;
                onRecord(m.key === null ? null : m.key.toString(), m.value === null ? null : m.value.toString());
              }
              const end = remaining.get(batch.partition);
              // lastOffset() of a batch holding only transaction markers is highWatermark - 1, so an
              // exactly_once output whose last entry is a commit marker still counts as fully read
              if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) {
                remaining.delete(batch.partition);
                if (remaining.size === 0) {
                  clearTimeout(timer);
                  resolve();
                }
              }
            },
          })
          .catch(reject);
      });
      await done;
    } finally {
      await consumer.disconnect();
    }
    return read;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Compares a windowed output topic (key `service|level@start`, value the running count) with the truth. */
export async function checkWindowedOutput(kafka: Kafka, topic: string, truth: GroundTruth): Promise<OutputCheck> {
  const last = new Map<string, number>();
  const outputRecords = await readTopicToEnd(kafka, topic, (key, value) => {
    if (key !== null && value !== null) last.set(key, Number(value));
  });
  const expected = new Map(Object.entries(truth.windowedCounts));
  const examples: { key: string; expected: number | null; actual: number | null }[] = [];
  let mismatched = 0;
  for (const key of new Set([...expected.keys(), ...last.keys()])) {
    const e = expected.get(key) ?? null;
    const a = last.get(key) ?? null;
    if (e !== a) {
      mismatched += 1;
      if (examples.length < 5) examples.push({ key, expected: e, actual: a });
    }
  }
  return {
    topology: 'windowed',
    topic,
    exact: mismatched === 0,
    outputRecords,
    expectedWindows: expected.size,
    actualWindows: last.size,
    mismatchedWindows: mismatched,
    countedRecords: [...last.values()].reduce((sum, n) => sum + n, 0),
    examples,
  };
}

/** Compares a stateless output topic with the truth: as many records as non-DEBUG inputs, services upper-cased. */
export async function checkStatelessOutput(kafka: Kafka, topic: string, truth: GroundTruth): Promise<OutputCheck> {
  let badRecords = 0;
  const outputRecords = await readTopicToEnd(kafka, topic, (_key, value) => {
    const event = value === null ? null : (JSON.parse(value) as { service?: unknown; level?: unknown });
    if (event === null || typeof event.service !== 'string' || event.service !== event.service.toUpperCase() || event.level === 'DEBUG') {
      badRecords += 1;
    }
  });
  return {
    topology: 'stateless',
    topic,
    exact: badRecords === 0 && outputRecords === truth.statelessOutputRecords,
    outputRecords,
    expectedRecords: truth.statelessOutputRecords,
  };
}

/** Reads a ground-truth file written by load-input. */
export async function readGroundTruth(path: string): Promise<GroundTruth & { topic: string }> {
  return JSON.parse(await readFile(path, 'utf8')) as GroundTruth & { topic: string };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { truth: { type: 'string' }, topic: { type: 'string' }, topology: { type: 'string', default: 'windowed' } },
    strict: true,
  });
  if (values.truth === undefined || values.topic === undefined) throw new Error('--truth and --topic are required');
  // warn: stdout carries the result; kafkajs' info lines (group joins, ...) would bury it
  const logger = createLogger('bench-check-output').child({}, { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'warn' });
  const kafka = createKafka({ brokers: parseBrokerList(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'), clientId: 'sawmill-bench-check', logger });
  const truth = await readGroundTruth(values.truth);
  const check =
    values.topology === 'stateless' ? await checkStatelessOutput(kafka, values.topic, truth) : await checkWindowedOutput(kafka, values.topic, truth);
  process.stdout.write(`${JSON.stringify(check)}\n`);
  process.exitCode = check.exact ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`check-output failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
