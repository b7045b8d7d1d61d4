/**
 * Sawmill's side of the topology benchmark: the same two topologies as
 * bench/kafka-streams/src/main/java/io/sawmill/bench/BenchTopologies.java, built with Sawmill's
 * StreamsBuilder and run with startTopology on the same input topic, measured the same way.
 */
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.js';
import { Serdes, StreamsBuilder, TimeWindows, startTopology, type Topology } from '../../topology/index.js';
import type { BenchEvent } from './bench-input.js';
import type { BenchGuarantee, BenchTopology, EngineRun } from './bench-result.js';
import { committedLag, deleteBenchTopics, ensureBenchTopic, partitionCount } from './bench-topics.js';
import { ProgressClock } from './progress-clock.js';

/** Same names as the Kafka Streams app, so both engines' internal topics read alike. */
const GROUPING = 'by-service-level';
const STORE = 'counts';

/** Options of runSawmillTopology. */
export interface SawmillRunOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topology: BenchTopology;
  readonly guarantee: BenchGuarantee;
  readonly input: string;
  readonly output: string;
  /** input records to wait for */
  readonly records: number;
  readonly windowMs: number;
  readonly graceMs: number;
  readonly commitIntervalMs: number;
  /** give up after this long (default 900 000 ms) */
  readonly timeoutMs?: number;
  /** give up when no input record went through for this long after the first (default 120 000 ms) */
  readonly stallMs?: number;
}

/** input → filter(level != DEBUG) → mapValues(service upper-cased) → output; ticks per input record at the source. */
export function buildStatelessTopology(input: string, output: string, clock: ProgressClock): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, BenchEvent>(input, { keySerde: Serdes.String(), valueSerde: Serdes.Json<BenchEvent>() })
    .peek(() => clock.tick())
    .filter((_key, event) => event.level !== 'DEBUG')
    .mapValues((event) => ({ ...event, service: event.service.toUpperCase() }))
    .to(output, { keySerde: Serdes.String(), valueSerde: Serdes.Json<BenchEvent>() });
  return builder.build();
}

/**
 * input → groupBy(service|level) → tumbling windows → count (as aggregate(0, n + 1), like Kafka
 * Streams' count, so the clock ticks inside the aggregation after the repartition hop) → output
 * keyed `service|level@windowStartMs`, value the running count as a decimal string.
 */
export function buildWindowedTopology(
  input: string,
  output: string,
  clock: ProgressClock,
  windowMs: number,
  graceMs: number,
): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, BenchEvent>(input, { keySerde: Serdes.String(), valueSerde: Serdes.Json<BenchEvent>() })
    .groupBy((_key, event) => `${event.service}|${event.level}`, {
      name: GROUPING,
      keySerde: Serdes.String(),
      valueSerde: Serdes.Json<BenchEvent>(),
    })
    .windowedBy(TimeWindows.ofSizeWithGrace(windowMs, graceMs))
    .aggregate(
      () => 0,
      (_key, _event, n) => {
        clock.tick();
        return n + 1;
      },
      { name: STORE, valueSerde: Serdes.Json<number>() },
    )
    .toStream()
    .map<string, string>((windowed, n) => [`${windowed.key}@${windowed.startMs}`, String(n)])
    .to(output, { keySerde: Serdes.String(), valueSerde: Serdes.String() });
  return builder.build();
}

/**
 * Runs one topology with Sawmill until `records` input records went through, stops it (final
 * commit), checks the committed input offsets, deletes the run's internal topics and returns the
 * same fields the Kafka Streams app prints.
 */
export async function runSawmillTopology(options: SawmillRunOptions): Promise<EngineRun> {
  const { kafka, logger, topology: which, guarantee, input, output, records } = options;
  await ensureBenchTopic(kafka, output, await partitionCount(kafka, input));
  const clock = new ProgressClock(records);
  const topology =
    which === 'stateless'
      ? buildStatelessTopology(input, output, clock)
      : buildWindowedTopology(input, output, clock, options.windowMs, options.graceMs);
  const applicationId = `sawmill-bench-sawmill-${which}-${guarantee.replace(/_/g, '-')}-${Date.now()}`;
  const registry = new Registry();
  const started = process.hrtime.bigint();
  const running = await startTopology({
    registry,
    topology,
    kafka,
    applicationId,
    guarantee,
    commitIntervalMs: options.commitIntervalMs,
    logger: logger.child({ engine: 'sawmill', topology: which }),
  });
  let timer: NodeJS.Timeout | undefined;
  // Late records never reach the aggregation, so they never tick: count them from the runtime's
  // metrics and end the run when ticks + drops cover the input (as the Kafka Streams app does).
  const stallMs = options.stallMs ?? 120_000;
  let lastCount = 0;
  let lastProgress = Date.now();
  let stalled: (error: Error) => void = () => undefined;
  const stall = new Promise<never>((_resolve, reject) => {
    stalled = reject;
  });
  const dropPoll = setInterval(() => {
    void droppedRecords(registry).then((dropped) => {
      if (clock.count() + dropped >= records) clock.markEnd();
    });
    if (clock.count() !== lastCount) {
      lastCount = clock.count();
      lastProgress = Date.now();
    } else if (lastCount > 0 && Date.now() - lastProgress > stallMs) {
      stalled(new Error(`sawmill stalled at ${lastCount} of ${records} records (no progress for ${stallMs} ms)`));
    }
  }, 20);
  try {
    const timeoutMs = options.timeoutMs ?? 900_000;
    await Promise.race([
      clock.reached(),
      stall,
      running.done.then(() => {
        throw new Error(`sawmill stopped after ${clock.count()} of ${records} records`);
      }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`sawmill processed ${clock.count()} of ${records} records in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    await running.stop().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    clearInterval(dropPoll);
  }
  const dropped = await droppedRecords(registry);
  const closeStart = process.hrtime.bigint();
  await running.stop();
  const closeSeconds = Number(process.hrtime.bigint() - closeStart) / 1e9;
  const lag = await committedLag(kafka, applicationId, input);
  await deleteBenchTopics(kafka, { prefixes: [`${applicationId}-`], groups: [applicationId] });
  const seconds = clock.processingSeconds();
  return {
    engine: 'sawmill',
    topology: which,
    guarantee,
    records,
    seconds: Number(seconds.toFixed(3)),
    records_per_s: Math.round(records / seconds),
    details: {
      startup_seconds: Number((Number(clock.firstNanos() - started) / 1e9).toFixed(3)),
      close_seconds: Number(closeSeconds.toFixed(3)),
      input_lag_after_close: lag,
      dropped_records: dropped,
      application_id: applicationId,
      output_topic: output,
      commit_interval_ms: options.commitIntervalMs,
      window_ms: options.windowMs,
      grace_ms: options.graceMs,
    },
  };
}

/** Records the runtime dropped instead of processing them: late for their window, or skipped as invalid. */
async function droppedRecords(registry: Registry): Promise<number> {
  let sum = 0;
  for (const name of ['sawmill_topology_late_records_total', 'sawmill_topology_skipped_records_total']) {
    const metric = registry.getSingleMetric(name);
    if (metric === undefined) continue;
    for (const v of (await metric.get()).values) sum += v.value;
  }
  return sum;
}
