/**
 * The OpenSearch writer behind `sawmill sink opensearch`: prepares the daily indices (template,
 * retention), turns each batch from the runner into one bulk request of `create` actions with
 * `_id = eventId`, and reports per record whether it is stored, a duplicate, to retry or to
 * dead-letter. It never commits, never retries and never dead-letters itself (the runner does).
 */
import { errors } from '@opensearch-project/opensearch';
import { Counter, Histogram, type Registry } from 'prom-client';
import { SawmillError, ServiceUnavailableError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { metricName } from '../../lib/metrics.js';
import { createOpenSearchClient, type OpenSearchClient } from '../../lib/opensearch.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import type { SinkItemResult, SinkRecord, SinkWriter } from '../runner/sink-writer.js';
import { applyBulkResponse, BULK_FILTER_PATH, buildBulkRequest, completeResults, splitBulkRequest, type BulkRequest } from './bulk-request.js';
import { templateNameOf, type OpenSearchSinkConfig } from './config.js';
import { checkOpenSearchReady } from './health-check.js';
import { putIndexTemplate } from './index-template.js';
import { hasIsmPlugin, installIsmPolicy } from './ism-policy.js';
import { sweepExpiredIndices } from './retention-sweep.js';

/** Options of createOpenSearchSink. */
export interface OpenSearchSinkOptions {
  /** The validated writer config (config.ts). */
  config: OpenSearchSinkConfig;
  logger: Logger;
  /** Registry of the sink process; the writer adds its bulk metrics to it. */
  registry?: Registry;
  /** A client to use instead of one built from `config.url` (tests put a TCP proxy in between this way too). */
  client?: OpenSearchClient;
}

/** How retention ended up being enforced at start. */
export type RetentionMode = 'ism' | 'sweep' | 'off';

/** The writer, plus what tests and the bench look at. */
export interface OpenSearchSink extends SinkWriter<EnrichedLogEvent> {
  /** The client the writer uses. */
  readonly client: OpenSearchClient;
  /** How retention is enforced; known after start(). */
  readonly retentionMode: RetentionMode | undefined;
  /** Runs the retention sweep once now; returns the deleted index names. */
  sweepRetention(): Promise<string[]>;
}

const COMPONENT = 'sink-opensearch';

/** Smallest bulk request a batch is split into; below this the per-request overhead dominates. */
const MIN_ACTIONS_PER_REQUEST = 250;

/** Builds the OpenSearch writer; throws ConfigError at once on a malformed URL (no request is made before start()). */
export function createOpenSearchSink({ config, logger, registry, client: given }: OpenSearchSinkOptions): OpenSearchSink {
  const client =
    given ??
    createOpenSearchClient({
      node: config.url,
      logger,
      requestTimeoutMs: config.requestTimeoutMs,
      compression: config.compression,
      source: 'sink opensearch config (url)',
    });
  const metrics = createWriterMetrics(registry);
  async function sendBulk(part: BulkRequest): Promise<unknown> {
    const timer = metrics.requestSeconds.startTimer();
    try {
      // Pre-serialized lines: the client's serializer passes string items through unchanged,
      // which lets buildBulkRequest measure the body and skips a second JSON.stringify.
      const { body } = await client.bulk({ body: part.lines as unknown as Array<Record<string, unknown>>, filter_path: BULK_FILTER_PATH });
      timer({ outcome: 'answered' });
      metrics.requests.inc({ outcome: 'answered' });
      return body;
    } catch (error) {
      timer({ outcome: 'failed' });
      metrics.requests.inc({ outcome: 'failed' });
      throw asWriteError(error, `bulk request of ${part.slots.length} documents (${part.bytes} bytes)`);
    }
  }

  const bulkOptions = { indexPrefix: config.indexPrefix, maxIndexedFieldBytes: config.maxIndexedFieldBytes };
  let retentionMode: RetentionMode | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let closed = false;

  async function sweepRetention(): Promise<string[]> {
    const deleted = await sweepExpiredIndices(client, { indexPrefix: config.indexPrefix, retentionDays: config.retentionDays });
    metrics.retentionDeleted.inc(deleted.length);
    if (deleted.length > 0) logger.info({ deleted, retentionDays: config.retentionDays }, 'retention sweep deleted expired daily indices');
    return deleted;
  }

  async function setUpRetention(): Promise<RetentionMode> {
    if (config.retention === 'off') return 'off';
    if (config.retention !== 'sweep') {
      const ism = await hasIsmPlugin(client);
      if (ism) {
        const outcome = await installIsmPolicy(client, { indexPrefix: config.indexPrefix, retentionDays: config.retentionDays });
        logger.info({ outcome, retentionDays: config.retentionDays }, 'ISM retention policy installed');
        return 'ism';
      }
      if (config.retention === 'ism') {
        throw new SawmillError('retention is "ism" but the cluster has no ISM plugin (opensearch-index-management); use "auto" or "sweep"');
      }
      logger.warn('the cluster has no ISM plugin: the sink deletes expired daily indices itself (retention sweep)');
    }
    return 'sweep';
  }

  function scheduleSweep(): void {
    sweepTimer = setTimeout(() => {
      sweepRetention()
        .catch((error: unknown) => logger.warn({ err: error }, 'retention sweep failed; retrying at the next interval'))
        .finally(() => {
          if (!closed) scheduleSweep();
        });
    }, config.retentionSweepIntervalMs);
    // The sweep must never keep a stopping process alive.
    sweepTimer.unref();
  }

  return {
    name: 'opensearch',
    client,
    get retentionMode() {
      return retentionMode;
    },
    sweepRetention,

    async start() {
      try {
        await putIndexTemplate(client, templateNameOf(config), config);
        retentionMode = await setUpRetention();
        if (retentionMode === 'sweep') {
          // Retention must never hold ingest back: a failed sweep is retried at the next interval.
          await sweepRetention().catch((error: unknown) => logger.warn({ err: error }, 'retention sweep failed; retrying at the next interval'));
          if (sweepTimer === undefined) scheduleSweep();
        }
      } catch (error) {
        throw asWriteError(error, 'preparing the indices');
      }
      logger.info({ indexPrefix: config.indexPrefix, template: templateNameOf(config), retentionMode }, 'opensearch sink ready');
    },

    async write(records: readonly SinkRecord<EnrichedLogEvent>[]): Promise<SinkItemResult[]> {
      const request = buildBulkRequest(records, bulkOptions);
      if (request.lines.length === 0) {
        countResults(metrics, request.results as SinkItemResult[]);
        return request.results as SinkItemResult[];
      }
      // The runner has one batch in flight; splitting it into a few bulk requests sent at once
      // keeps several OpenSearch write threads busy, as the client's bulk helper does.
      const parts = splitBulkRequest(request, config.concurrentRequests, MIN_ACTIONS_PER_REQUEST);
      const answers = await Promise.allSettled(parts.map((part) => sendBulk(part)));
      const failed = answers.find((answer): answer is PromiseRejectedResult => answer.status === 'rejected');
      // One failed part fails the batch: the runner re-sends all of it, and what the other parts
      // stored comes back as 409 duplicates.
      if (failed !== undefined) throw failed.reason;
      const results = [...request.results];
      answers.forEach((answer, i) => applyBulkResponse(parts[i] as BulkRequest, (answer as PromiseFulfilledResult<unknown>).value, results));
      const complete = completeResults(results);
      countResults(metrics, complete);
      return complete;
    },

    checkReady: () => checkOpenSearchReady(client),

    async close() {
      closed = true;
      if (sweepTimer !== undefined) clearTimeout(sweepTimer);
      await client.close();
    },
  };
}

/**
 * Maps a failed request to the writer contract: connection loss, timeouts, 408, 429 and 5xx (and
 * auth failures, which an operator fixes without losing data) are retriable
 * ServiceUnavailableErrors; a 400 or 413 means the request itself is wrong and is not.
 */
export function asWriteError(error: unknown, what: string): Error {
  if (error instanceof SawmillError) return error;
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    if (status === 413) {
      return new SawmillError(`${what}: OpenSearch refused the request as too large (413); lower the runner's batch byte limit below http.max_content_length`, { cause: error });
    }
    if (status === 400) return new SawmillError(`${what}: OpenSearch refused the request (400): ${error.message}`, { cause: error });
    return new ServiceUnavailableError(`${what}: OpenSearch answered ${status}`, 'opensearch', error);
  }
  if (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError ||
    error instanceof errors.DeserializationError ||
    error instanceof errors.RequestAbortedError
  ) {
    return new ServiceUnavailableError(`${what}: ${error.name}: ${error.message}`, 'opensearch', error);
  }
  return error instanceof Error ? error : new Error(String(error));
}

interface WriterMetrics {
  requests: Counter<'outcome'>;
  requestSeconds: Histogram<'outcome'>;
  items: Counter<'result'>;
  retentionDeleted: Counter;
}

function createWriterMetrics(registry: Registry | undefined): WriterMetrics {
  const registers = registry === undefined ? [] : [registry];
  // A second writer on the same registry (a test, a replay beside a live sink) shares the series.
  const reuse = <M>(thing: string, create: (name: string) => M): M => {
    const name = metricName(COMPONENT, thing);
    return (registry?.getSingleMetric(name) as M | undefined) ?? create(name);
  };
  return {
    requests: reuse('bulk_requests_total', (name) => new Counter({
      name,
      help: 'Bulk requests sent, by outcome (answered, or failed as a whole)',
      labelNames: ['outcome'],
      registers,
    })),
    requestSeconds: reuse('bulk_request_seconds', (name) => new Histogram({
      name,
      help: 'Duration of one bulk request',
      labelNames: ['outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    })),
    items: reuse('bulk_items_total', (name) => new Counter({
      name,
      help: 'Records of answered batches by result: stored, duplicate (409, already stored), retry, rejected',
      labelNames: ['result'],
      registers,
    })),
    retentionDeleted: reuse('retention_deleted_indices_total', (name) => new Counter({
      name,
      help: 'Daily indices deleted by the retention sweep',
      registers,
    })),
  };
}

function countResults(metrics: WriterMetrics, results: readonly SinkItemResult[]): void {
  const counts: Record<string, number> = {};
  for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
  for (const [result, count] of Object.entries(counts)) metrics.items.inc({ result }, count);
}
