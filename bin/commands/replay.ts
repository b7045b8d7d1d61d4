/**
 * `sawmill replay --sink <name> --from <position>`: rebuilds a projection from Kafka. It runs the
 * sink's own runners and writers (sinks/runner/sink-catalog.ts) in bounded mode with a fresh,
 * temporary consumer group per stream, from the given position up to the end offsets seen at
 * start, then deletes those groups. The live sink and its group are untouched; because every
 * writer is idempotent on the event id (OpenSearch `create` with `_id`, PostgreSQL unique keys),
 * records already stored count as duplicates and a replay can be run again at any time.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../lib/errors.js';
import { createKafka } from '../../lib/kafka/client.js';
import type { Logger } from '../../lib/logger.js';
import { createMetrics } from '../../lib/metrics.js';
import { SINK_NAMES, sinkCommandConfigSchema, startSinkRunners, type SinkName, type StartSinkRunnersOptions } from '../../sinks/runner/sink-catalog.js';
import type { SinkRunStats, SinkStartPosition } from '../../sinks/runner/sink-runner.js';
import { runCommand } from '../run-command.js';

/** A parsed `--from`: a start position, with offsets not yet bound to a topic when none was named. */
export type ReplayFrom =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'time'; readonly timestampMs: number }
  | { readonly kind: 'offsets'; readonly offsets: readonly { readonly topic?: string; readonly partition: number; readonly offset: string }[] };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const OFFSET_ENTRY = /^(?:([A-Za-z0-9._-]{1,249}):)?(\d{1,6}):(\d{1,19})$/;
/** Longest `--from` accepted: a few hundred partitions of offsets fit well below it. */
const MAX_FROM_LENGTH = 65_536;

/**
 * Parses `--from`: `earliest`, an epoch in milliseconds, an ISO-8601 time (a zone is required when
 * a time of day is given, so the position never depends on the machine's zone), or a
 * comma-separated list of `[topic:]partition:offset`. Throws ConfigError naming what is wrong.
 */
export function parseReplayFrom(text: string): ReplayFrom {
  const fail = (why: string): never => {
    throw new ConfigError(`--from ${why}; expected earliest, an epoch in ms, an ISO time such as 2026-01-02T10:00:00Z, or partition:offset[,partition:offset...]`, '--from', 'from');
  };
  if (typeof text !== 'string' || text.trim() === '') return fail('is empty');
  if (text.length > MAX_FROM_LENGTH) return fail(`is ${text.length} characters long`);
  const value = text.trim();
  if (value === 'earliest') return { kind: 'earliest' };
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    if (!Number.isSafeInteger(ms) || ms > 8_640_000_000_000_000) return fail(`epoch ${value} is out of range`);
    return { kind: 'time', timestampMs: ms };
  }
  if (ISO_TIME.test(value)) {
    if (value.includes('T') && !/(Z|[+-]\d{2}:?\d{2})$/.test(value)) return fail(`time ${JSON.stringify(value)} has no zone (add Z or +hh:mm)`);
    const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
    // V8 rolls 2026-02-30 over into March instead of refusing it.
    const calendar = new Date(Date.UTC(y, m - 1, d));
    const ms = calendar.getUTCMonth() === m - 1 && calendar.getUTCDate() === d ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) return fail(`time ${JSON.stringify(value)} is not a valid date`);
    if (ms < 0) return fail(`time ${JSON.stringify(value)} is before 1970`);
    return { kind: 'time', timestampMs: ms };
  }
  const entries = value.split(',').map((part) => part.trim());
  const offsets = entries.map((entry) => {
    const match = OFFSET_ENTRY.exec(entry);
    if (match === null) return fail(`entry ${JSON.stringify(entry.slice(0, 80))} is not [topic:]partition:offset`);
    const [, topic, partition, offset] = match;
    return topic === undefined ? { partition: Number(partition), offset: String(BigInt(offset as string)) } : { topic, partition: Number(partition), offset: String(BigInt(offset as string)) };
  });
  const seen = new Set<string>();
  for (const entry of offsets) {
    const key = `${entry.topic ?? ''}:${entry.partition}`;
    if (seen.has(key)) return fail(`names partition ${entry.partition}${entry.topic === undefined ? '' : ` of ${entry.topic}`} twice`);
    seen.add(key);
  }
  return { kind: 'offsets', offsets };
}

/**
 * Binds a parsed `--from` to the topics of the sink's streams. Offsets without a topic need a sink
 * with one topic (the PostgreSQL sink has three streams, one start position for all of them).
 */
export function toStartPosition(from: ReplayFrom, topic: string | undefined): SinkStartPosition {
  if (from.kind === 'earliest') return 'earliest';
  if (from.kind === 'time') return { timestampMs: from.timestampMs };
  if (topic === undefined) {
    throw new ConfigError('--from with offsets needs a sink with one topic; this sink has several streams: use earliest or a time', '--from', 'from');
  }
  for (const entry of from.offsets) {
    if (entry.topic !== undefined && entry.topic !== topic) throw new ConfigError(`--from names topic ${entry.topic}, but the sink reads ${topic}`, '--from', 'from');
  }
  return { offsets: from.offsets.map((entry) => ({ topic, partition: entry.partition, offset: entry.offset })) };
}

/** What a replay did, printed as JSON. */
export interface ReplaySummary {
  readonly sink: SinkName;
  readonly from: string;
  readonly durationMs: number;
  readonly groups: readonly { readonly groupId: string; readonly stats: SinkRunStats }[];
}

/** Options of runReplay. */
export interface RunReplayOptions extends Omit<StartSinkRunnersOptions, 'overrides'> {
  readonly from: ReplayFrom;
  /** Text of `--from`, for the summary. */
  readonly fromText: string;
  /** Registers a hook that stops the runners when the process is asked to stop; returns its remover. */
  readonly onStop?: (stop: () => Promise<void>) => () => void;
}

/**
 * Runs the sink's runners bounded from `from` with fresh consumer groups (`sawmill-replay-<writer>-<stamp>`),
 * waits until each reached the end offsets captured at its start, deletes the groups, and returns
 * the counts. Throws when a runner fails (the groups are deleted anyway: a new replay starts over).
 */
export async function runReplay(options: RunReplayOptions): Promise<ReplaySummary> {
  const { name, config, logger, from, fromText } = options;
  const started = Date.now();
  const stamp = `${new Date(started).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
  // The PostgreSQL sink has several streams (topics); the OpenSearch sink reads one.
  const startFrom = toStartPosition(from, name === 'opensearch' ? (config as { topic: string }).topic : undefined);
  const kafka = options.kafka ?? createKafka({ brokers: config.kafka.brokers, clientId: `sawmill-replay-${name}`, logger, configSource: `sink ${name} config` });
  const groupIdFor = (writerName: string): string => `sawmill-replay-${writerName}-${stamp}`;

  const runners = await startSinkRunners({ name, config, logger, registry: options.registry, kafka, overrides: { groupIdFor, startFrom, bounded: true } });
  const removeHook = options.onStop?.(async () => {
    await Promise.all(runners.map((runner) => runner.stop(8000)));
  });
  logger.info({ sink: name, from: fromText, groups: runners.map((r) => r.groupId) }, 'replay started');
  try {
    const settled = await Promise.allSettled(runners.map((runner) => runner.done));
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(runners.map((runner) => runner.stop(2000)));
      throw failed.reason;
    }
    const groups = runners.map((runner, i) => ({ groupId: runner.groupId, stats: (settled[i] as PromiseFulfilledResult<SinkRunStats>).value }));
    return { sink: name, from: fromText, durationMs: Date.now() - started, groups };
  } finally {
    removeHook?.();
    await deleteGroups(kafka, runners.map((runner) => runner.groupId), logger);
  }
}

/** Deletes the temporary groups; a failure is logged, not thrown (the replay itself is done). */
async function deleteGroups(kafka: NonNullable<RunReplayOptions['kafka']>, groupIds: readonly string[], logger: Logger): Promise<void> {
  if (groupIds.length === 0) return;
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([...groupIds]);
  } catch (error) {
    logger.warn({ err: error, groups: groupIds }, 'could not delete the temporary replay consumer groups; delete them by hand');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** `sawmill replay`: parses the options, loads the sink's config (same file and SAWMILL_SINK_<NAME>__ variables as `sawmill sink <name>`) and prints the summary as JSON. */
export async function replayCommand(options: { sink: string; from: string; config?: string }): Promise<void> {
  if (!(SINK_NAMES as readonly string[]).includes(options.sink)) {
    process.stderr.write(`sawmill replay: unknown sink ${JSON.stringify(options.sink)}; expected one of ${SINK_NAMES.join(', ')}\n`);
    process.exitCode = 1;
    return;
  }
  let from: ReplayFrom;
  try {
    from = parseReplayFrom(options.from);
  } catch (error) {
    process.stderr.write(`sawmill replay: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const name = options.sink as SinkName;
  await runCommand({
    // The sink's component name, so the same SAWMILL_SINK_<NAME>__ variables configure both.
    component: `sink-${name}`,
    schema: sinkCommandConfigSchema(name),
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const summary = await runReplay({
        name,
        config,
        logger: logger.child({ replay: true }),
        registry: createMetrics({ component: `replay-${name}`, defaultMetrics: false }),
        from,
        fromText: options.from,
        onStop: (stop) => shutdown.onShutdown('replay runners', stop, { timeoutMs: 15_000 }),
      });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    },
  });
}
