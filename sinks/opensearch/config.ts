/**
 * Configuration of the OpenSearch sink's store side: where the cluster is, how the daily indices
 * are named and set up, and how long they are kept. The consumer side (group, batching, retries)
 * is the sink runner's config; this schema only covers what the OpenSearch writer needs.
 */
import { z } from 'zod';

/**
 * Index names OpenSearch accepts, narrowed to what we need: lower case, no characters OpenSearch
 * refuses (`\ / * ? " < > | , # :` and spaces) and no leading `_ - +` (reserved or refused).
 */
const INDEX_PREFIX = /^[a-z0-9][a-z0-9._-]{0,199}$/;

/** Duration strings in OpenSearch's time-unit syntax, e.g. `5s`, `500ms`, `1m`; `-1` disables refresh. */
const TIME_VALUE = /^(-1|\d{1,9}(ms|s|m|h|d))$/;

/** The strict config schema of the OpenSearch writer; every key has a default except none (a local stack needs no file). */
export const openSearchSinkConfigSchema = z
  .object({
    url: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .default('http://127.0.0.1:9200')
      .describe('OpenSearch node URL(s), http(s)://[user:password@]host:port; a list for several nodes of one cluster'),
    indexPrefix: z
      .string()
      .regex(INDEX_PREFIX, 'a lower-case index prefix (letters, digits, . _ -; not starting with _ - +)')
      .default('sawmill-logs')
      .describe('Daily indices are <indexPrefix>-YYYY.MM.DD (UTC day of timestampMs); readers use <indexPrefix>-*'),
    templateName: z
      .string()
      .regex(INDEX_PREFIX, 'a lower-case template name')
      .optional()
      .describe('Name of the composable index template installed at start; default <indexPrefix>-template'),
    numberOfShards: z.number().int().min(1).max(64).default(1).describe('Primary shards of each daily index'),
    numberOfReplicas: z
      .number()
      .int()
      .min(0)
      .max(5)
      .default(0)
      .describe('Replicas of each daily index; 0 suits a one-node cluster (green health), use 1+ on several nodes'),
    refreshInterval: z
      .string()
      .regex(TIME_VALUE, 'an OpenSearch time value such as 5s or 500ms, or -1')
      .default('5s')
      .describe(
        'index.refresh_interval of the daily indices: 5s instead of the default 1s makes fewer, larger segments under bulk ingest at the cost of up to 5 s before a log is searchable',
      ),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(14)
      .describe('Daily indices older than this many UTC days are deleted (by ISM when the plugin is installed, else by the retention sweep)'),
    retention: z
      .enum(['auto', 'ism', 'sweep', 'off'])
      .default('auto')
      .describe('auto: ISM policy when the cluster has the ISM plugin, else the sweep; ism: require the plugin; sweep: always the sink deletes old indices itself; off: keep everything'),
    retentionSweepIntervalMs: z
      .number()
      .int()
      .min(1_000)
      .max(86_400_000)
      .default(3_600_000)
      .describe('How often the retention sweep runs while the sink runs (it also runs once at start)'),
    requestTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .default(60_000)
      .describe('Longest one bulk request may take before it fails (and the runner retries the batch)'),
    concurrentRequests: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(4)
      .describe('A batch from the runner is split into up to this many bulk requests sent at once (at least 250 documents each)'),
    compression: z.boolean().default(false).describe('Gzip bulk request bodies (worth it across a network, not on localhost)'),
    maxIndexedFieldBytes: z
      .number()
      .int()
      .min(64)
      .max(30_000)
      .default(8_192)
      .describe(
        'Entries of fields/labels whose key + value exceed this many UTF-8 bytes are kept unindexed in fieldsOversized/labelsOversized (Lucene refuses terms over 32766 bytes)',
      ),
  })
  .strict()
  .describe('OpenSearch sink: bulk-creates logs.enriched events into daily indices with _id = eventId');

/** The OpenSearch writer config after defaults were filled in. */
export type OpenSearchSinkConfig = z.output<typeof openSearchSinkConfigSchema>;

/** Returns the template name to use: the configured one, else `<indexPrefix>-template`. */
export function templateNameOf(config: Pick<OpenSearchSinkConfig, 'templateName' | 'indexPrefix'>): string {
  return config.templateName ?? `${config.indexPrefix}-template`;
}
