/**
 * Checks createSinkRunner options and fills in the defaults, in one place, so a bad option
 * fails at start with a ConfigError naming it instead of surfacing mid-run.
 */
import { ConfigError } from '../../../lib/errors.js';
import type { SinkRunnerOptions, SinkStartPosition } from '../sink-runner.js';
import { sinkGroupId } from '../sink-group-id.js';

/** The options with every default filled in. */
export interface ResolvedRunnerOptions<T> extends SinkRunnerOptions<T> {
  readonly groupId: string;
  readonly startFrom: SinkStartPosition;
  readonly bounded: boolean;
  readonly deadLetterTopic: string;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxWaitMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly partitionsConsumedConcurrently: number;
  readonly lagIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly maxInFlightBatches: number;
}

const SOURCE = 'createSinkRunner';
const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const GROUP_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;
const TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;

/** Returns the options with defaults; throws ConfigError on the first bad one. */
export function validateRunnerOptions<T>(options: SinkRunnerOptions<T>): ResolvedRunnerOptions<T> {
  const { writer, kafka, topics, decoder, logger } = options;
  if (writer === undefined || typeof writer.write !== 'function') throw new ConfigError('writer is required', SOURCE, 'writer');
  if (typeof writer.name !== 'string' || !NAME_PATTERN.test(writer.name)) {
    throw new ConfigError(`writer name ${JSON.stringify(writer.name)} must be lower-case kebab-case`, SOURCE, 'writer.name');
  }
  if (kafka === undefined || typeof kafka.consumer !== 'function') throw new ConfigError('kafka is required', SOURCE, 'kafka');
  if (logger === undefined) throw new ConfigError('logger is required', SOURCE, 'logger');
  if (decoder === undefined || typeof decoder.deserialize !== 'function') throw new ConfigError('decoder is required', SOURCE, 'decoder');
  if (!Array.isArray(topics) || topics.length === 0) throw new ConfigError('topics must list at least one topic', SOURCE, 'topics');
  topics.forEach((topic, i) => {
    if (typeof topic !== 'string' || !TOPIC_PATTERN.test(topic)) throw new ConfigError(`topic ${JSON.stringify(topic)} is not a valid topic name`, SOURCE, `topics[${i}]`);
  });
  if (new Set(topics).size !== topics.length) throw new ConfigError('topics lists a topic twice', SOURCE, 'topics');
  const groupId = options.groupId ?? sinkGroupId(writer.name);
  if (!GROUP_PATTERN.test(groupId)) throw new ConfigError(`groupId ${JSON.stringify(groupId)} must use letters, digits, '.', '_' or '-'`, SOURCE, 'groupId');
  const deadLetterTopic = options.deadLetterTopic ?? 'logs.dlq';
  if (!TOPIC_PATTERN.test(deadLetterTopic)) throw new ConfigError(`deadLetterTopic ${JSON.stringify(deadLetterTopic)} is not a valid topic name`, SOURCE, 'deadLetterTopic');
  if (topics.includes(deadLetterTopic)) throw new ConfigError('the dead-letter topic cannot be one of the consumed topics', SOURCE, 'deadLetterTopic');
  const startFrom = options.startFrom ?? 'committed';
  validateStart(startFrom, topics);

  const maxRecords = integer(options.batch?.maxRecords ?? 2000, 'batch.maxRecords', 1, 1_000_000);
  const maxBytes = integer(options.batch?.maxBytes ?? 4 * 1024 * 1024, 'batch.maxBytes', 1, 1024 ** 3);
  const maxWaitMs = integer(options.batch?.maxWaitMs ?? 200, 'batch.maxWaitMs', 0, 3_600_000);
  const initialDelayMs = integer(options.retry?.initialDelayMs ?? 200, 'retry.initialDelayMs', 1, 3_600_000);
  const maxDelayMs = integer(options.retry?.maxDelayMs ?? 10_000, 'retry.maxDelayMs', initialDelayMs, 3_600_000);
  const partitionsConsumedConcurrently = integer(options.partitionsConsumedConcurrently ?? 16, 'partitionsConsumedConcurrently', 1, 1024);
  const lagIntervalMs = integer(options.lagIntervalMs ?? 5000, 'lagIntervalMs', 0, 86_400_000);
  const maxInFlightBatches = integer(options.maxInFlightBatches ?? 1, 'maxInFlightBatches', 1, 64);
  const sessionTimeoutMs = integer(options.sessionTimeoutMs ?? 30_000, 'sessionTimeoutMs', 1000, 3_600_000);
  return {
    ...options,
    groupId,
    startFrom,
    bounded: options.bounded ?? false,
    deadLetterTopic,
    maxRecords,
    maxBytes,
    maxWaitMs,
    initialDelayMs,
    maxDelayMs,
    partitionsConsumedConcurrently,
    lagIntervalMs,
    sessionTimeoutMs,
    maxInFlightBatches,
  };
}

function validateStart(start: SinkStartPosition, topics: readonly string[]): void {
  if (start === 'committed' || start === 'earliest') return;
  if (typeof start === 'object' && start !== null && 'timestampMs' in start) {
    if (!Number.isSafeInteger(start.timestampMs) || start.timestampMs < 0) {
      throw new ConfigError(`startFrom.timestampMs must be a non-negative integer, got ${String(start.timestampMs)}`, SOURCE, 'startFrom.timestampMs');
    }
    return;
  }
  if (typeof start === 'object' && start !== null && 'offsets' in start && Array.isArray(start.offsets)) {
    start.offsets.forEach((entry, i) => {
      if (!topics.includes(entry.topic)) throw new ConfigError(`startFrom.offsets[${i}] names topic ${JSON.stringify(entry.topic)} that is not consumed`, SOURCE, `startFrom.offsets[${i}].topic`);
      if (!Number.isInteger(entry.partition) || entry.partition < 0) throw new ConfigError(`startFrom.offsets[${i}].partition must be an integer >= 0`, SOURCE, `startFrom.offsets[${i}].partition`);
      if (typeof entry.offset !== 'string' || !/^\d{1,19}$/.test(entry.offset)) throw new ConfigError(`startFrom.offsets[${i}].offset must be a decimal offset string`, SOURCE, `startFrom.offsets[${i}].offset`);
    });
    return;
  }
  throw new ConfigError(`startFrom must be 'committed', 'earliest', { timestampMs } or { offsets }, got ${JSON.stringify(start)}`, SOURCE, 'startFrom');
}

function integer(value: number, key: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${key} must be an integer in [${min}, ${max}], got ${String(value)}`, SOURCE, key);
  return value;
}
