/**
 * Runs the demo log source: generates lines at a paced rate (or flat out) and
 * fans them out to the configured sinks until stopped, out of time or out of
 * lines. `make up` runs it continuously; benchmarks run it with a target rate or
 * 'max' and read the counts it resolves with.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ConfigError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { createFileSink } from './file-sink.js';
import type { Level } from './formats.js';
import { createLogGenerator, type GeneratedLine } from './generator.js';
import type { IncidentSetting } from './incidents.js';
import { createKafkaSink } from './kafka-sink.js';
import type { LineSink } from './line-sink.js';
import { createPacer } from './pacer.js';

/** Where the demo source writes. */
export interface DemoSourceOutputs {
  /** Write `<dir>/<service>/<host>.log` files. */
  readonly dir?: string;
  /** Rotate files at this size (bytes); only with `dir`. */
  readonly rotateBytes?: number;
  /** Produce to Kafka. */
  readonly kafka?: { readonly brokers: readonly string[]; readonly topic?: string };
}

/** Options of runDemoSource. */
export interface DemoSourceOptions {
  /** Target lines per second, or 'max' to run as fast as the sinks accept. */
  readonly ratePerSecond: number | 'max';
  /** Stop after this long (ms); unbounded when absent. */
  readonly durationMs?: number;
  /** Stop after generating this many lines; unbounded when absent. */
  readonly maxLines?: number;
  /** Destinations; with none, lines are generated and counted only (measures the generator itself). */
  readonly outputs: DemoSourceOutputs;
  /** Seed of the generator and the incident schedule. */
  readonly seed: number;
  /** Incident setting. Default 'auto'. */
  readonly incident?: IncidentSetting;
  /** Restrict to these catalogue services. Default all. */
  readonly services?: readonly string[];
  /** A run marker put inside every line's message text (see LogGeneratorOptions.tag). Default none. */
  readonly tag?: string;
  /** Progress and lifecycle events go here. */
  readonly logger: Logger;
  /** Aborting stops the run; the promise then resolves normally after the sinks are flushed. */
  readonly signal?: AbortSignal;
  /** Time source in ms since the epoch; drives timestamps, pacing and progress. Default Date.now. */
  readonly clock?: () => number;
  /** Waits between batches; injectable so tests need not sleep. Default a timer. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Extra sinks, e.g. an in-memory one in tests; closed by the run like the others. */
  readonly extraSinks?: readonly LineSink[];
  /** Interval of the progress line. Default 10 s. */
  readonly progressIntervalMs?: number;
  /** Most lines generated per batch. Default 500. */
  readonly batchMaxLines?: number;
}

/** Why a run ended. */
export type DemoSourceStopReason = 'signal' | 'duration' | 'max-lines';

/** Counts of a finished run. */
export interface DemoSourceResult {
  /** Lines generated (and handed to every sink). */
  readonly generated: number;
  /** Lines each sink delivered (file: written; kafka: acknowledged), by sink name. */
  readonly delivered: Readonly<Record<string, number>>;
  /** Lines generated per service. */
  readonly byService: Readonly<Record<string, number>>;
  /** Lines generated per level. */
  readonly byLevel: Readonly<Record<Level, number>>;
  /** Lines generated inside an incident window of their service. */
  readonly incidentLines: number;
  /** Time from start to stop, by the run's clock. */
  readonly elapsedMs: number;
  /** Why the run ended. */
  readonly stoppedBy: DemoSourceStopReason;
}

async function openSinks(options: DemoSourceOptions): Promise<LineSink[]> {
  const sinks: LineSink[] = [];
  const { outputs } = options;
  if (outputs.rotateBytes !== undefined && outputs.dir === undefined) {
    throw new ConfigError('rotateBytes needs dir', 'options', 'outputs.rotateBytes');
  }
  if (outputs.dir !== undefined) sinks.push(createFileSink({ dir: outputs.dir, rotateBytes: outputs.rotateBytes }));
  if (outputs.kafka !== undefined) {
    try {
      sinks.push(
        await createKafkaSink({
          brokers: outputs.kafka.brokers,
          topic: outputs.kafka.topic,
          logger: options.logger.child({ sink: 'kafka' }),
        }),
      );
    } catch (error) {
      await Promise.allSettled(sinks.map((sink) => sink.close()));
      throw error;
    }
  }
  return [...sinks, ...(options.extraSinks ?? [])];
}

function deliveredBySink(sinks: readonly LineSink[]): Record<string, number> {
  const delivered: Record<string, number> = {};
  for (const sink of sinks) delivered[sink.name] = (delivered[sink.name] ?? 0) + sink.delivered;
  return delivered;
}

/**
 * Generates and writes lines until `signal` aborts, `durationMs` passes or
 * `maxLines` are generated, then flushes and closes every sink and resolves with
 * the counts. Rejects (after closing the sinks) when a sink fails, and with
 * ConfigError on bad options.
 */
export async function runDemoSource(options: DemoSourceOptions): Promise<DemoSourceResult> {
  const { logger, signal, durationMs, maxLines } = options;
  const clock = options.clock ?? Date.now;
  const progressIntervalMs = options.progressIntervalMs ?? 10_000;
  const batchMaxLines = options.batchMaxLines ?? 500;
  if (maxLines !== undefined && !(Number.isInteger(maxLines) && maxLines >= 0)) {
    throw new ConfigError(`maxLines must be a non-negative integer, got ${maxLines}`, 'options', 'maxLines');
  }
  if (durationMs !== undefined && !(durationMs >= 0)) {
    throw new ConfigError(`durationMs must be >= 0, got ${durationMs}`, 'options', 'durationMs');
  }

  const generator = createLogGenerator({
    seed: options.seed,
    services: options.services,
    incident: options.incident ?? 'auto',
    clock,
    ...(options.tag === undefined ? {} : { tag: options.tag }),
  });
  const pacer = createPacer({ rate: options.ratePerSecond, clock, sleep: options.sleep });
  const sinks = await openSinks(options);

  const byService: Record<string, number> = {};
  for (const spec of generator.services) byService[spec.name] = 0;
  const byLevel: Record<Level, number> = { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 };
  let generated = 0;
  let incidentLines = 0;
  const startedAt = clock();
  let lastProgressAt = startedAt;
  let generatedAtLastProgress = 0;
  let stoppedBy: DemoSourceStopReason = 'signal';

  logger.info(
    {
      rate: options.ratePerSecond,
      seed: options.seed,
      sinks: sinks.map((sink) => sink.name),
      services: generator.services.map((spec) => spec.name),
      max_lines: maxLines,
      duration_ms: durationMs,
    },
    'demo source started',
  );

  const logProgress = (now: number): void => {
    const intervalS = (now - lastProgressAt) / 1000;
    const active = generator.incidents.activeAt(now);
    logger.info(
      {
        generated,
        rate_per_s: intervalS > 0 ? Math.round((generated - generatedAtLastProgress) / intervalS) : 0,
        delivered: deliveredBySink(sinks),
        errors: byLevel.ERROR,
        incident: active === undefined ? null : active.service,
      },
      'demo source progress',
    );
    lastProgressAt = now;
    generatedAtLastProgress = generated;
  };

  let failure: unknown;
  try {
    for (;;) {
      const now = clock();
      if (signal?.aborted) {
        stoppedBy = 'signal';
        break;
      }
      if (durationMs !== undefined && now - startedAt >= durationMs) {
        stoppedBy = 'duration';
        break;
      }
      if (maxLines !== undefined && generated >= maxLines) {
        stoppedBy = 'max-lines';
        break;
      }
      const want = maxLines === undefined ? batchMaxLines : Math.min(batchMaxLines, maxLines - generated);
      const granted = await pacer.take(want, signal);
      if (granted === 0) continue;

      const lines: GeneratedLine[] = new Array(granted);
      for (let i = 0; i < granted; i++) {
        const line = generator.next(clock());
        lines[i] = line;
        byService[line.service] = (byService[line.service] ?? 0) + 1;
        byLevel[line.level]++;
        if (line.incident) incidentLines++;
      }
      generated += granted;
      await Promise.all(sinks.map((sink) => sink.write(lines)));

      const after = clock();
      if (after - lastProgressAt >= progressIntervalMs) logProgress(after);
      // Flat out, sinks may resolve without ever yielding; give timers and the abort signal a turn.
      if (options.ratePerSecond === 'max') await yieldToEventLoop();
    }
  } catch (error) {
    failure = error;
  }

  // Close every sink even if one fails, so no producer or file handle leaks; report the first failure.
  const closed = await Promise.allSettled(sinks.map((sink) => sink.close()));
  for (const outcome of closed) {
    if (outcome.status === 'rejected') failure ??= outcome.reason;
  }
  const elapsedMs = clock() - startedAt;
  const result: DemoSourceResult = {
    generated,
    delivered: deliveredBySink(sinks),
    byService,
    byLevel,
    incidentLines,
    elapsedMs,
    stoppedBy,
  };
  if (failure !== undefined) {
    logger.error({ err: failure, generated, delivered: result.delivered }, 'demo source failed');
    throw failure;
  }
  logger.info(
    {
      generated,
      delivered: result.delivered,
      by_service: byService,
      by_level: byLevel,
      incident_lines: incidentLines,
      elapsed_ms: elapsedMs,
      stopped_by: stoppedBy,
    },
    'demo source stopped',
  );
  return result;
}
