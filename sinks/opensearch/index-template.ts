/**
 * The composable index template of the daily log indices: explicit mappings for every
 * EnrichedLogEvent field (keyword for the ids and dimensions operators filter on, match-only text
 * for the message with a keyword sub-field, dates for the timestamps), `dynamic: false` so an
 * unexpected top-level field is kept in _source without growing the mapping, and ingest-tuned
 * settings.
 *
 * The text fields index only what is asked of them, since OpenSearch's indexing is the pipeline's
 * bottleneck: results are sorted by time, never by score, so no field keeps norms or term
 * frequencies, and positions are not indexed either (`match_only_text`): a phrase query still
 * works, checking its candidates against _source, and highlighting re-analyses the stored text as
 * it did before.
 */
import type { OpenSearchClient } from '../../lib/opensearch.js';
import { ServiceUnavailableError } from '../../lib/errors.js';

/** Settings of the daily indices that the template fixes. */
export interface IndexTemplateOptions {
  /** Daily indices are `<indexPrefix>-YYYY.MM.DD`; the template matches `<indexPrefix>-*`. */
  indexPrefix: string;
  numberOfShards: number;
  numberOfReplicas: number;
  /** index.refresh_interval, e.g. `5s`. */
  refreshInterval: string;
}

const KEYWORD_FIELDS = [
  'eventId',
  'host',
  'service',
  'level',
  'levelText',
  'patternId',
  'traceId',
  'spanId',
  'agentId',
  'sourceKind',
  'sourceId',
  'sourcePath',
  'streamId',
  'format',
  'timestampSource',
] as const;

const DATE_FIELDS = ['@timestamp', 'timestampMs', 'observedTimestampMs', 'ingestTimestampMs'] as const;

/** The mappings of a daily index (also used by the bench for its plain bulk-load baseline). */
export function logIndexMappings(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const name of KEYWORD_FIELDS) properties[name] = { type: 'keyword', ignore_above: 1024 };
  // epoch_millis because the event carries numbers; @timestamp is the ISO copy dashboards expect.
  for (const name of DATE_FIELDS) properties[name] = { type: 'date', format: 'strict_date_optional_time||epoch_millis' };
  // The field the API searches (simple_query_string with phrases and prefixes) and highlights.
  properties['message'] = { type: 'match_only_text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } };
  // Searched only by the canary (a one-term phrase over message and line), never aggregated: no
  // keyword copy of the raw line. Not `index: false`, which would make that query fail.
  properties['line'] = { type: 'match_only_text' };
  properties['pattern'] = { type: 'match_only_text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } };
  properties['truncated'] = { type: 'boolean' };
  properties['latencyMs'] = { type: 'double' };
  properties['sourceOffset'] = { type: 'long' };
  // One mapping entry however many distinct keys the parsed lines carry (see log-document.ts).
  properties['fields'] = { type: 'flat_object' };
  properties['labels'] = { type: 'flat_object' };
  properties['fieldsOversized'] = { type: 'object', enabled: false };
  properties['labelsOversized'] = { type: 'object', enabled: false };
  return { dynamic: false, properties };
}

/** The index settings of a daily index. */
export function logIndexSettings(options: IndexTemplateOptions): Record<string, unknown> {
  return {
    number_of_shards: options.numberOfShards,
    number_of_replicas: options.numberOfReplicas,
    // Each refresh cuts a new segment: at 1 s under constant bulk load that is many tiny segments
    // and merge work; logs are fine being searchable a few seconds later.
    refresh_interval: options.refreshInterval,
    // The message is searched far more than the raw line; best_compression shrinks stored _source.
    codec: 'best_compression',
  };
}

/**
 * Bumped at every change of the mappings or settings, so `GET _index_template` tells which
 * generation a cluster runs. A new template applies only to indices created after it: today's
 * index keeps the mapping it was created with until tomorrow's is made. Searches span both
 * generations unchanged because a change keeps every field name, the keyword fields filtered on,
 * and the queries each text field answers. 1: text fields with positions and norms; 2: match-only text.
 */
export const INDEX_TEMPLATE_VERSION = 2;

/** Returns the body of `PUT _index_template/<name>` for the daily indices of `indexPrefix`. */
export function buildIndexTemplate(options: IndexTemplateOptions): Record<string, unknown> {
  return {
    index_patterns: [`${options.indexPrefix}-*`],
    version: INDEX_TEMPLATE_VERSION,
    // Above the default 0 so a generic `*` template of the cluster does not win.
    priority: 200,
    template: { settings: { index: logIndexSettings(options) }, mappings: logIndexMappings() },
    _meta: { managed_by: 'sawmill sink opensearch', description: 'daily log indices, _id = eventId' },
  };
}

/**
 * Installs (or replaces) the template; the call is idempotent, so every sink start may run it.
 * Throws ServiceUnavailableError (retriable) when OpenSearch cannot be reached or answers 5xx.
 */
export async function putIndexTemplate(client: OpenSearchClient, name: string, options: IndexTemplateOptions): Promise<void> {
  try {
    await client.indices.putIndexTemplate({ name, body: buildIndexTemplate(options) });
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) throw error;
    throw new ServiceUnavailableError(`cannot install index template ${name}`, 'opensearch', error);
  }
}
