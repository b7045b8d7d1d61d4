/**
 * The OpenSearch sink in the parameterised zero-loss test (sink-zero-loss.test.ts): a config for
 * `sawmill sink opensearch` with a private index prefix, and exact counts of what it stored.
 */
import { pino } from 'pino';
import { createOpenSearchClient } from '../../lib/opensearch.js';
import { KAFKA_BROKERS, REGISTRY_URL, type SinkDriver } from './sink-test-kit.js';

const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';
/** The number of events the zero-loss test produces (same variable, same default). */
const EXPECTED = Number(process.env['SINK_IT_EVENTS'] ?? 200_000);

/** The OpenSearch sink: its own index prefix and template; counts by _count and, once complete, by every _id. */
export const opensearchDriver: SinkDriver = {
  name: 'opensearch',
  async setup({ run, topic, deadLetterTopic, groupId, healthPort }) {
    const indexPrefix = `sawmill-it-${run.toLowerCase().replace(/_/g, '-')}`;
    const index = `${indexPrefix}-*`;
    const client = createOpenSearchClient({ node: OPENSEARCH_URL, logger: pino({ level: 'silent' }) });
    return {
      config: {
        opensearch: { url: OPENSEARCH_URL, indexPrefix, requestTimeoutMs: 30_000 },
        topic,
        kafka: { brokers: KAFKA_BROKERS, groupId, deadLetterTopic, sessionTimeoutMs: 10_000, lagIntervalMs: 1000 },
        registry: { url: REGISTRY_URL },
        batch: { maxRecords: 2000, maxWaitMs: 100 },
        retry: { initialDelayMs: 100, maxDelayMs: 2000 },
        health: { port: healthPort },
      },
      async count() {
        await client.indices.refresh({ index, allow_no_indices: true, ignore_unavailable: true });
        const { body } = await client.count({ index, allow_no_indices: true, ignore_unavailable: true });
        const total = body.count;
        // _id is unique per index, so duplicates could only hide in two different daily indices:
        // once the count is complete, every _id is read to prove it. Before that the exact set
        // is not needed (only `total` is polled) and -1 says it was not computed.
        if (total < EXPECTED) return { total, distinct: -1 };
        const ids = new Set<string>();
        let page = await client.search({ index, scroll: '1m', size: 10_000, _source: false, body: { sort: ['_doc'] } });
        while (page.body.hits.hits.length > 0) {
          for (const hit of page.body.hits.hits) ids.add(hit._id as string);
          page = await client.scroll({ scroll_id: page.body._scroll_id as string, scroll: '1m' });
        }
        await client.clearScroll({ scroll_id: page.body._scroll_id as string }).catch(() => undefined);
        return { total, distinct: ids.size };
      },
      async teardown() {
        await client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
        await client.indices.deleteIndexTemplate({ name: `${indexPrefix}-template` }).catch(() => undefined);
        await client.close();
      },
    };
  },
};
