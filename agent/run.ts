/**
 * The agent: sources → multiline + parse → raw events → delivery queue (memory, then spool) →
 * Kafka → checkpoint acknowledgement. `runAgent` starts everything and returns a handle whose
 * `stop` shuts down gracefully: sources stop reading, pending events are flushed and delivered
 * (within a deadline), the checkpoint is written, the spool closed.
 */
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from '../lib/logger.js';
import { startHealthServer, type HealthServer } from '../lib/health-server.js';
import { CheckpointStore } from './checkpoint/checkpoint-store.js';
import type { AgentConfig } from './config.js';
import { createAgentMetrics, type AgentMetrics } from './agent-metrics.js';
import { startHttpReceiver, type HttpReceiver } from './http-receiver.js';
import { DeliveryQueue, QueueClosedError } from './shipper/delivery-queue.js';
import { KafkaShipper } from './shipper/kafka-shipper.js';
import type { Shipment } from './shipper/shipment.js';
import { SourceEncoder } from './source-encoder.js';
import { DiskSpool } from './spool/disk-spool.js';
import { readStdinSource } from './stdin-source.js';
import { TailSource } from './tail/tail-source.js';

/** Options of `runAgent`. */
export interface RunAgentOptions {
  config: AgentConfig;
  logger: Logger;
  /** Input of a stdin source; default process.stdin. */
  stdin?: Readable;
  /** Register the standard process metrics (default true). */
  defaultMetrics?: boolean;
  /** Longest graceful-shutdown delivery wait. Default 10 s. */
  drainTimeoutMs?: number;
}

/** A running agent. */
export interface RunningAgent {
  /** Base URL of /metrics, /healthz, /readyz. */
  metricsUrl: string;
  /** URL of each HTTP source, by source id. */
  httpUrls: Record<string, string>;
  metrics: AgentMetrics;
  /** Resolves when every stdin source has ended and its lines were delivered. */
  stdinDone: Promise<void>;
  /** Graceful shutdown; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the agent described by `config`; resolves once it runs (schema registered, sources started). */
export async function runAgent(options: RunAgentOptions): Promise<RunningAgent> {
  const { config, logger } = options;
  const metrics = createAgentMetrics(config.sources.map((s) => s.id), { defaultMetrics: options.defaultMetrics, spoolMaxBytes: config.spool.maxBytes });
  const shipper = new KafkaShipper({
    brokers: config.kafka.brokers,
    topic: config.kafka.topic,
    clientId: config.kafka.clientId,
    compression: config.kafka.compression,
    registryUrl: config.registry.url,
    subject: config.registry.subject,
    sendTimeoutMs: config.kafka.sendTimeoutMs,
    logger,
    onAttemptFailed: (kind) => {
      metrics.sendFailures.inc({ kind });
      metrics.kafkaUp.set(0);
    },
    onAcknowledged: () => metrics.kafkaUp.set(1),
  });
  await shipper.start();

  const spool = await DiskSpool.open({
    dir: config.spool.dir,
    segmentBytes: config.spool.segmentBytes,
    fsync: config.spool.fsync,
    fsyncIntervalMs: config.spool.fsyncIntervalMs,
    onCorrupt: (problem) => {
      metrics.spoolCorrupt.inc();
      logger.error({ segment: problem.segment, position: problem.position, reason: problem.reason }, 'damaged spool record skipped');
    },
  });
  const store = await CheckpointStore.open({
    path: config.checkpointPath,
    resetCorrupt: config.resetCorruptCheckpoint,
    onReset: (error, movedTo) => logger.error({ err: error, moved_to: movedTo }, 'corrupt checkpoint set aside; starting empty'),
  });
  store.startAutoFlush(1000, (err) => logger.error({ err }, 'checkpoint write failed'));

  const onDelivered = (shipment: Shipment): void => {
    for (const range of shipment.acks) {
      if (!range.streamId.startsWith('http-') && !range.streamId.startsWith('stdin-')) store.acknowledge(range.streamId, range.offset, range.nextOffset);
    }
    metrics.acknowledged.inc({ source: shipment.sourceId }, shipment.lines);
  };
  const queue = new DeliveryQueue({
    sender: shipper,
    spool,
    maxRecords: config.queue.maxRecords,
    spoolMaxBytes: config.spool.maxBytes,
    batchMaxRecords: config.kafka.batchMaxRecords,
    batchMaxBytes: config.kafka.batchMaxBytes,
    lingerMs: config.kafka.lingerMs,
    diskFullRetryMs: config.spool.diskFullRetryMs,
    logger,
    onDelivered,
    onSpooled: (shipment) => metrics.spooled.inc({ source: shipment.sourceId }, shipment.lines),
    onDiskFull: (full) => metrics.diskFull.set(full ? 1 : 0),
    onUndecodable: () => metrics.spoolCorrupt.inc(),
  });
  queue.start();
  const gaugeTimer = setInterval(() => {
    metrics.spoolBytes.set(spool.bytes);
    metrics.spoolRecords.set(spool.pendingRecords);
    metrics.queueRecords.set(queue.queuedRecords);
    metrics.spoolAtCap.set(queue.isSpoolAtCap ? 1 : 0);
  }, 500);
  gaugeTimer.unref();

  const health: HealthServer = await startHealthServer({
    port: config.metricsPort,
    host: config.metricsHost,
    registry: metrics.registry,
    logger,
    readinessChecks: {
      'kafka-or-spool': async () => {
        if (queue.isDiskFull) throw new Error('disk full: the spool cannot be written');
        if (queue.isSpoolAtCap) throw new Error('Kafka unreachable and the spool is at its cap');
        return shipper.healthy ? 'kafka reachable' : 'Kafka unreachable; spooling within cap';
      },
    },
  });

  let sequence = 0;
  const nextSequence = (): number => sequence++;
  const sources: TailSource[] = [];
  const loops: Array<Promise<void>> = [];
  const encoders: SourceEncoder[] = [];
  const receivers: HttpReceiver[] = [];
  const httpUrls: Record<string, string> = {};
  const stdinAbort = new AbortController();
  const stdinLoops: Array<Promise<void>> = [];

  for (const source of config.sources) {
    const encoder = new SourceEncoder({ source, kind: source.type, agentId: config.agentId, host: config.host, encode: (e) => shipper.encode(e), accept: (s) => queue.accept(s), nextSequence });
    encoders.push(encoder);
    const sourceLog = logger.child({ source: source.id });
    if (source.type === 'file') {
      const tail = new TailSource({
        sourceId: source.id,
        agentId: config.agentId,
        include: source.include,
        exclude: source.exclude,
        startAt: source.startAt,
        maxLineBytes: config.maxLineBytes,
        pollIntervalMs: source.pollIntervalMs,
        changeDelayMs: source.changeDelayMs,
        scanIntervalMs: source.scanIntervalMs,
        closeIdleMs: source.closeIdleMs,
        checkpoint: store,
        logger: sourceLog,
      });
      sources.push(tail);
      loops.push(
        (async () => {
          for await (const batch of tail) {
            metrics.linesRead.inc({ source: source.id }, batch.lines.length);
            const truncated = batch.lines.filter((l) => l.truncated).length;
            if (truncated > 0) metrics.truncated.inc({ source: source.id }, truncated);
            // Awaiting the queue is the backpressure: the tail reads nothing meanwhile.
            await encoder.submit(batch.lines);
          }
        })().catch((error: unknown) => {
          if (error instanceof QueueClosedError) sourceLog.warn({ reason: error.message }, 'file source stopped with lines unshipped; they are read again after restart');
          else sourceLog.error({ err: error }, 'file source failed');
        }),
      );
    } else if (source.type === 'stdin') {
      const streamId = `stdin-${Date.now()}-${process.pid}`;
      stdinLoops.push(
        readStdinSource({
          input: options.stdin ?? process.stdin,
          agentId: config.agentId,
          streamId,
          maxLineBytes: config.maxLineBytes,
          signal: stdinAbort.signal,
          onBatch: async (lines, last) => {
            metrics.linesRead.inc({ source: source.id }, lines.length);
            const truncated = lines.filter((l) => l.truncated).length;
            if (truncated > 0) metrics.truncated.inc({ source: source.id }, truncated);
            await encoder.submit(lines, undefined, last);
          },
        }).catch((error: unknown) => sourceLog.error({ err: error }, 'stdin source failed')),
      );
    } else {
      const receiver = await startHttpReceiver({
        host: source.host,
        port: source.port,
        path: source.path,
        maxBodyBytes: source.maxBodyBytes,
        maxLineBytes: config.maxLineBytes,
        tokens: source.tokens,
        agentId: config.agentId,
        sourceId: source.id,
        logger: sourceLog,
        onLines: (count, truncated) => {
          metrics.linesRead.inc({ source: source.id }, count);
          if (truncated > 0) metrics.truncated.inc({ source: source.id }, truncated);
        },
        submit: (lines) => new Promise<void>((resolve, reject) => {
          encoder.submit(lines, resolve, true).catch(reject);
        }),
      });
      receivers.push(receiver);
      httpUrls[source.id] = receiver.url;
    }
  }
  const multilineTimer = setInterval(() => {
    for (const encoder of encoders) encoder.flushPending().catch((error: unknown) => logger.error({ err: error }, 'multiline flush failed'));
  }, 250);
  multilineTimer.unref();

  const stdinDone = Promise.all(stdinLoops).then(async () => {
    await queue.drain(Number.MAX_SAFE_INTEGER);
  });

  logger.info({ sources: config.sources.map((s) => `${s.type}:${s.id}`), topic: config.kafka.topic, metrics: health.url, spool: config.spool.dir, checkpoint: config.checkpointPath }, 'agent started');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('agent stopping');
      clearInterval(multilineTimer);
      for (const tail of sources) tail.stop();
      stdinAbort.abort();
      queue.stopWaiting();
      for (const receiver of receivers) await receiver.close();
      await Promise.all(loops);
      for (const encoder of encoders) await encoder.flushPending(true).catch((error: unknown) => logger.error({ err: error }, 'multiline flush failed'));
      const drained = await queue.drain(options.drainTimeoutMs ?? 10_000);
      if (!drained) logger.warn({ queued: queue.queuedRecords, spooled: spool.pendingRecords }, 'shutdown before Kafka took everything; file lines resume from the checkpoint, the rest stays in the spool');
      await queue.close(() => shipper.stop());
      clearInterval(gaugeTimer);
      await store.close();
      await spool.close();
      await health.close();
      logger.info('agent stopped');
    })();
    return stopping;
  };

  return { metricsUrl: health.url, httpUrls, metrics, stdinDone, stop };
}

/** The default spool and checkpoint locations below one state directory (for tests and `--state-dir`). */
export function stateDirPaths(dir: string): { spoolDir: string; checkpointPath: string } {
  return { spoolDir: join(dir, 'spool'), checkpointPath: join(dir, 'checkpoint.json') };
}
