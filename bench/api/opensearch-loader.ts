/**
 * Puts the bench's logs into OpenSearch exactly as the OpenSearch sink stores them: the sink's
 * index template (mappings and settings), its daily index names, its document builder, a
 * `create` with `_id = eventId` per event; loaded with the official client's bulk helper.
 */
import type { OpenSearchClient } from '../../lib/opensearch.js';
import type { Logger } from '../../lib/logger.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { openSearchSinkConfigSchema } from '../../sinks/opensearch/config.js';
import { putIndexTemplate, type IndexTemplateOptions } from '../../sinks/opensearch/index-template.js';
import { dailyIndexName } from '../../sinks/opensearch/index-name.js';
import { toLogDocument, type LogDocument } from '../../sinks/opensearch/log-document.js';
import type { CorpusPeriod } from './log-corpus.js';

const DAY_MS = 86_400_000;

/** Index settings of the sink's defaults (one node: one shard, no replica, 5 s refresh). */
function templateOptions(indexPrefix: string): IndexTemplateOptions {
  const sink = openSearchSinkConfigSchema.parse({ indexPrefix });
  return { indexPrefix, numberOfShards: sink.numberOfShards, numberOfReplicas: sink.numberOfReplicas, refreshInterval: sink.refreshInterval };
}

/** Documents stored in the daily indices `<indexPrefix>-*` (0 when there are none). */
export async function countStoredLogs(client: OpenSearchClient, indexPrefix: string): Promise<number> {
  await client.indices.refresh({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true });
  const response = await client.count({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true });
  return response.body.count;
}

/** Options of loadLogs. */
export interface LoadLogsOptions {
  readonly client: OpenSearchClient;
  readonly indexPrefix: string;
  readonly period: CorpusPeriod;
  readonly events: Iterable<EnrichedLogEvent>;
  /** Bulk requests in flight. */
  readonly concurrency: number;
  readonly logger: Logger;
}

/**
 * Drops `<indexPrefix>-*`, installs the sink's template, creates the daily indices of `period`,
 * bulk-creates every event and refreshes; returns the number stored. Refresh is off during the
 * load (the usual bulk-load practice) and set back to the template's value before returning, so
 * the indices end up as the sink leaves them. Throws if any document was refused.
 */
export async function loadLogs(options: LoadLogsOptions): Promise<number> {
  const { client, indexPrefix, period, logger } = options;
  const template = templateOptions(indexPrefix);
  const { maxIndexedFieldBytes } = openSearchSinkConfigSchema.parse({ indexPrefix });
  await client.indices.delete({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true });
  await putIndexTemplate(client, `${indexPrefix}-template`, template);
  for (let day = period.startMs; day < period.endMs; day += DAY_MS) {
    await client.indices.create({ index: dailyIndexName(indexPrefix, day) });
  }
  await client.indices.putSettings({ index: `${indexPrefix}-*`, body: { index: { refresh_interval: '-1' } } });

  // The helper takes an async iterator (not a plain one); it pulls documents as it sends.
  const documents = (async function* (): AsyncGenerator<LogDocument> {
    for (const event of options.events) yield toLogDocument(event, { maxIndexedFieldBytes });
  })();
  let dropped = 0;
  let firstDrop: string | undefined;
  const started = performance.now();
  const progress = setInterval(() => logger.info({ stored: bulk.stats.successful, seconds: Math.round((performance.now() - started) / 1000) }, 'loading logs into opensearch'), 10_000);
  const bulk = client.helpers.bulk<LogDocument>({
    datasource: documents,
    onDocument: (doc) => ({ create: { _index: dailyIndexName(indexPrefix, doc.timestampMs), _id: doc.eventId } }),
    concurrency: options.concurrency,
    flushBytes: 5_000_000,
    retries: 3,
    onDrop: (drop) => {
      dropped += 1;
      firstDrop ??= `${drop.status} ${drop.error?.type ?? ''}: ${drop.error?.reason ?? ''}`;
    },
  });
  let stats;
  try {
    stats = await bulk;
  } finally {
    clearInterval(progress);
  }
  await client.indices.putSettings({ index: `${indexPrefix}-*`, body: { index: { refresh_interval: template.refreshInterval } } });
  await client.indices.refresh({ index: `${indexPrefix}-*` });
  if (dropped > 0) throw new Error(`${dropped} documents were refused by OpenSearch; first: ${firstDrop ?? '?'}`);
  logger.info({ stored: stats.successful, seconds: Number((stats.time / 1000).toFixed(1)), bytes: stats.bytes }, 'logs loaded into opensearch');
  return stats.successful;
}
