// Against the real OpenSearch node (OPENSEARCH_URL, default the local stack's 127.0.0.1:9200):
// the mapping, full-text search and bulk semantics the OpenSearch sink and the search API rely on.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { pino } from 'pino';
import { checkOpenSearchHealth, createOpenSearchClient, type OpenSearchClient } from '../../lib/opensearch.js';

const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`, { cause: last });
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

type Kind = 'refused' | 'refused-shouting' | 'timeout' | 'decoy' | 'ok';

interface LogDoc {
  '@timestamp': string;
  service: string;
  message: string;
}

const SERVICES = ['api', 'db', 'worker'] as const;

/** Message per kind; the kind, not the text, decides what a query must find. */
function messageOf(kind: Kind, i: number): string {
  switch (kind) {
    case 'refused':
      return `connection refused by db-${i} on port 5432`;
    case 'refused-shouting':
      // The standard analyzer lowercases and splits on punctuation: this still matches.
      return `ERROR: Connection REFUSED (upstream #${i})`;
    case 'timeout':
      return `connection timed out after ${i}ms`;
    case 'decoy':
      // One token, not two: must not match a search for the words "connection refused".
      return `connectionrefused counter=${i}`;
    case 'ok':
      return `request ${i} served in 12ms`;
  }
}

const KINDS: readonly Kind[] = ['refused', 'ok', 'timeout', 'refused-shouting', 'decoy', 'ok', 'ok'];

/** 50 documents with fixed ids (as the agent fixes event ids) and a known kind each. */
const DOCS = Array.from({ length: 50 }, (_, i) => {
  const kind = KINDS[i % KINDS.length] as Kind;
  const service = SERVICES[i % SERVICES.length] as string;
  const doc: LogDoc = {
    '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    service,
    message: messageOf(kind, i),
  };
  return { id: `evt-${String(i).padStart(3, '0')}`, kind, doc };
});

function idsWhere(predicate: (d: (typeof DOCS)[number]) => boolean): string[] {
  return DOCS.filter(predicate)
    .map((d) => d.id)
    .sort();
}

describe('OpenSearch (real node)', function () {
  this.timeout(60_000);

  const suffix = `${Date.now()}-${randomUUID().slice(0, 8)}`;
  const index = `sawmill-it-logs-${suffix}`;
  const templateName = `sawmill-it-template-${suffix}`;
  const templatedIndex = `sawmill-it-tpl-${suffix}-2026.01.01`;
  let client: OpenSearchClient;

  before(async () => {
    client = createOpenSearchClient({
      node: OPENSEARCH_URL,
      logger: pino({ level: 'warn' }),
      requestTimeoutMs: 15_000,
      source: 'OPENSEARCH_URL',
    });
    await eventually(`cluster health green/yellow at ${OPENSEARCH_URL}`, 30_000, async () => {
      const health = await checkOpenSearchHealth(client, { timeoutMs: 2_000 });
      return health.healthy ? health : undefined;
    });
  });

  after(async () => {
    if (client === undefined) return;
    await client.indices.delete({ index: [index, templatedIndex], ignore_unavailable: true });
    await client.indices.deleteIndexTemplate({ name: templateName }, { ignore: [404] });
    await client.close();
  });

  it('reports the cluster healthy', async () => {
    const health = await checkOpenSearchHealth(client);
    expect(health.healthy, JSON.stringify(health)).to.equal(true);
    if (health.status !== 'unreachable') expect(health.numberOfNodes).to.be.at.least(1);
  });

  it('creates an index with an explicit mapping', async () => {
    const created = await client.indices.create({
      index,
      body: {
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: {
          dynamic: 'strict',
          properties: {
            '@timestamp': { type: 'date' },
            service: { type: 'keyword' },
            message: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 512 } } },
          },
        },
      },
    });
    expect(created.body.acknowledged).to.equal(true);

    const { body } = await client.indices.getMapping({ index });
    const properties = body[index]?.mappings?.properties ?? {};
    expect(properties['service']).to.deep.equal({ type: 'keyword' });
    expect(properties['@timestamp']).to.deep.equal({ type: 'date' });
    expect(properties['message']).to.deep.include({ type: 'text' });
  });

  it('bulk-indexes 50 documents with explicit ids', async () => {
    const body = DOCS.flatMap(({ id, doc }) => [{ index: { _index: index, _id: id } }, doc]);
    const { body: result } = await client.bulk({ body });
    const failed = result.items.filter((item) => (item.index?.status ?? 0) >= 300);
    expect(result.errors, JSON.stringify(failed.slice(0, 3))).to.equal(false);
    expect(result.items.map((item) => item.index?.status)).to.deep.equal(DOCS.map(() => 201));

    await client.indices.refresh({ index });
    const { body: count } = await client.count({ index });
    expect(count.count).to.equal(DOCS.length);
  });

  async function searchIds(query: Record<string, unknown>): Promise<{ ids: string[]; total: number }> {
    const { body } = await client.search({
      index,
      body: { query, size: 100, track_total_hits: true, _source: false },
    });
    const total = body.hits.total;
    return {
      ids: body.hits.hits.map((hit) => hit._id as string).sort(),
      total: typeof total === 'number' ? total : (total?.value ?? -1),
    };
  }

  it('finds exactly the documents holding both words with simple_query_string (standard analyzer)', async () => {
    const expected = idsWhere((d) => d.kind === 'refused' || d.kind === 'refused-shouting');
    expect(expected.length).to.be.greaterThan(5);
    const { ids, total } = await searchIds({
      simple_query_string: { query: 'connection refused', fields: ['message'], default_operator: 'and' },
    });
    expect(ids).to.deep.equal(expected);
    expect(total).to.equal(expected.length);
  });

  it('honours simple_query_string operators (exclusion)', async () => {
    const { ids } = await searchIds({
      simple_query_string: { query: 'connection -refused', fields: ['message'], default_operator: 'and' },
    });
    expect(ids).to.deep.equal(idsWhere((d) => d.kind === 'timeout'));
  });

  it('narrows a full-text search with a term filter on the keyword service', async () => {
    const { ids, total } = await searchIds({
      bool: {
        must: [{ simple_query_string: { query: 'connection refused', fields: ['message'], default_operator: 'and' } }],
        filter: [{ term: { service: 'db' } }],
      },
    });
    const expected = idsWhere((d) => (d.kind === 'refused' || d.kind === 'refused-shouting') && d.doc.service === 'db');
    expect(expected.length).to.be.greaterThan(0);
    expect(ids).to.deep.equal(expected);
    expect(total).to.equal(expected.length);
    // keyword fields are not analysed: a different case finds nothing
    expect((await searchIds({ term: { service: 'DB' } })).total).to.equal(0);
  });

  it('matches the exact message through the keyword sub-field', async () => {
    const target = DOCS[3];
    if (target === undefined) expect.fail('fixture has no 4th document');
    const { ids } = await searchIds({ term: { 'message.keyword': target.doc.message } });
    expect(ids).to.deep.equal([target.id]);
  });

  it('answers 409 per item to a bulk create of an existing _id and keeps the stored document', async () => {
    const duplicates = DOCS.slice(0, 3);
    const fresh = { id: `evt-new-${suffix}`, doc: { '@timestamp': new Date().toISOString(), service: 'api', message: 'fresh' } };
    const body = [
      ...duplicates.flatMap(({ id }) => [
        { create: { _index: index, _id: id } },
        { '@timestamp': new Date().toISOString(), service: 'api', message: 'overwritten?' },
      ]),
      { create: { _index: index, _id: fresh.id } },
      fresh.doc,
    ];
    const { body: result } = await client.bulk({ body });

    expect(result.errors).to.equal(true);
    const statuses = result.items.map((item) => item.create?.status);
    expect(statuses).to.deep.equal([409, 409, 409, 201]);
    for (const item of result.items.slice(0, 3)) {
      expect(item.create?.error?.type).to.equal('version_conflict_engine_exception');
    }

    // The conflict left the original documents untouched, and only the new one was added.
    const first = duplicates[0];
    if (first === undefined) expect.fail('fixture has no documents');
    const { body: stored } = await client.get({ index, id: first.id });
    expect((stored._source as LogDoc).message).to.equal(first.doc.message);
    await client.indices.refresh({ index });
    expect((await client.count({ index })).body.count).to.equal(DOCS.length + 1);
  });

  it('applies a composable index template to an index created by the first write', async () => {
    await client.indices.putIndexTemplate({
      name: templateName,
      body: {
        index_patterns: [`sawmill-it-tpl-${suffix}-*`],
        template: {
          settings: { number_of_shards: 1, number_of_replicas: 0 },
          mappings: { properties: { service: { type: 'keyword' }, message: { type: 'text' } } },
        },
      },
    });
    await client.index({ index: templatedIndex, id: 'evt-1', body: { service: 'api', message: 'hello template' }, refresh: true });

    const { body } = await client.indices.getMapping({ index: templatedIndex });
    expect(body[templatedIndex]?.mappings?.properties?.['service']).to.deep.equal({ type: 'keyword' });
    const { body: settings } = await client.indices.getSettings({ index: templatedIndex });
    expect(settings[templatedIndex]?.settings?.index?.number_of_replicas).to.equal('0');
  });

  it('deletes the index', async () => {
    const { body } = await client.indices.delete({ index });
    expect(body.acknowledged).to.equal(true);
    const { body: exists } = await client.indices.exists({ index });
    expect(exists).to.equal(false);
  });
});
