// Log search, single events and context against a real OpenSearch index (own prefix) through the
// API over HTTP, including hostile query strings, page-size abuse and cursor tampering.
import { expect } from 'chai';
import type { ApiServer } from '../../api/server.js';
import { logIndexMappings } from '../../sinks/opensearch/index-template.js';
import { call, createApiTestEnv, login, type ApiTestEnv, type HttpResult } from './api-harness.js';

interface Doc {
  eventId: string;
  timestampMs: number;
  '@timestamp': string;
  service: string;
  host: string;
  level: string;
  message: string;
  line: string;
  patternId: string;
  traceId: string | null;
  streamId: string | null;
  sourceOffset: number | null;
}

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const CRLF_ANSI = 'login failed\r\nFAKE 200 OK \u001b[31mred\u001b[0m <script>alert(1)</script>';

function doc(i: number, over: Partial<Doc> = {}): Doc {
  const timestampMs = T0 + i * 1000;
  const base: Doc = {
    eventId: `evt-${String(i).padStart(3, '0')}`,
    timestampMs,
    '@timestamp': new Date(timestampMs).toISOString(),
    service: 'checkout',
    host: i % 2 === 0 ? 'web-1' : 'web-2',
    level: i % 5 === 0 ? 'ERROR' : 'INFO',
    message: i % 3 === 0 ? `connection refused by db-${i}` : `request ${i} served`,
    line: '',
    patternId: i % 3 === 0 ? 'p-refused' : 'p-served',
    traceId: `trace-${i}`,
    streamId: 'stream-a',
    sourceOffset: i * 100,
  };
  const merged = { ...base, ...over };
  merged.line = merged.message;
  return merged;
}

const DOCS: Doc[] = [
  ...Array.from({ length: 30 }, (_, i) => doc(i)),
  doc(40, { eventId: 'hidden-1', service: 'vault', message: 'connection refused secret token', streamId: 'stream-v', sourceOffset: 1 }),
  doc(41, { eventId: 'crlf-1', message: CRLF_ANSI, streamId: null, sourceOffset: null }),
];

describe('api: log search, event and context (real OpenSearch)', function () {
  this.timeout(60_000);
  let env: ApiTestEnv;
  let server: ApiServer;
  let token: string;

  const search = (query: string): Promise<HttpResult> => call(server.url, 'GET', `/api/v1/logs/search?${query}`, { token });
  const ids = (result: HttpResult): string[] => (result.body as { hits: { id: string }[] }).hits.map((hit) => hit.id);
  const range = `from=${T0 - 1000}&to=${T0 + 100_000}`;

  before(async () => {
    env = await createApiTestEnv();
    const index = `${env.indexPrefix}2026.11.30`;
    await env.opensearch.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: logIndexMappings() } as never });
    await env.opensearch.bulk({ refresh: true, body: DOCS.flatMap((d) => [{ index: { _index: index, _id: d.eventId } }, d]) });
    await env.addUser('reader', 'reader-password-123', 'viewer');
    server = await env.start();
    token = (await login(server.url, 'reader', 'reader-password-123')).accessToken;
  });
  after(async () => {
    await env?.close();
  });

  it('finds the message words within the filters, with total, took and highlights', async () => {
    const result = await search(`q=connection%20refused&service=checkout&${range}`);
    expect(result.status, result.text).to.equal(200);
    const expected = DOCS.filter((d) => d.service === 'checkout' && d.message.startsWith('connection refused')).map((d) => d.eventId).sort().reverse();
    expect(ids(result)).to.deep.equal(expected);
    const body = result.body as { total: { value: number; relation: string }; took: number; hits: { highlight?: string[] }[] };
    expect(body.total).to.deep.equal({ value: expected.length, relation: 'eq' });
    expect(body.took).to.be.a('number');
    expect(body.hits[0]!.highlight![0]).to.match(/<mark>connection<\/mark> <mark>refused<\/mark> by db-\d+/);
  });

  it('matches a quoted phrase in word order only, and highlights it', async () => {
    // message is match_only_text: no positions in the index, so the order is checked against _source.
    const refused = DOCS.filter((d) => d.service === 'checkout' && d.message.includes('refused by')).map((d) => d.eventId).sort().reverse();
    expect(refused).to.have.length(10);
    const phrase = await search(`q=${encodeURIComponent('"refused by"')}&service=checkout&size=100&${range}`);
    expect(phrase.status, phrase.text).to.equal(200);
    expect(ids(phrase)).to.deep.equal(refused);
    const highlights = (phrase.body as { hits: { highlight?: string[] }[] }).hits.map((hit) => hit.highlight?.[0]);
    for (const highlight of highlights) expect(highlight).to.match(/^connection <mark>refused<\/mark> <mark>by<\/mark> db-\d+$/);
    const reversed = await search(`q=${encodeURIComponent('"by refused"')}&service=checkout&size=100&${range}`);
    expect(ids(reversed)).to.deep.equal([]);
    const words = await search(`q=${encodeURIComponent('by refused')}&service=checkout&size=100&${range}`);
    expect(ids(words)).to.deep.equal(refused);
  });

  it('applies level, host, patternId and traceId filters exactly, lists as OR', async () => {
    const errors = await search(`level=ERROR&service=checkout&host=web-1&${range}&sort=@timestamp:asc`);
    expect(ids(errors)).to.deep.equal(DOCS.filter((d) => d.service === 'checkout' && d.level === 'ERROR' && d.host === 'web-1').map((d) => d.eventId));
    const traces = await search(`traceId=trace-3,trace-4&${range}&sort=@timestamp:asc`);
    expect(ids(traces)).to.deep.equal(['evt-003', 'evt-004']);
    const pattern = await search(`patternId=p-refused&service=checkout&size=100&${range}`);
    expect(ids(pattern)).to.have.length(10);
  });

  it('pages through every hit with the cursor, without duplicates or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const result: HttpResult = await search(`service=checkout&size=7&${range}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(result.status, result.text).to.equal(200);
      seen.push(...ids(result));
      cursor = (result.body as { nextCursor: string | null }).nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    const expected = DOCS.filter((d) => d.service === 'checkout').sort((a, b) => b.timestampMs - a.timestampMs).map((d) => d.eventId);
    expect(seen).to.deep.equal(expected);
  });

  it('refuses a tampered, foreign-sort or garbage cursor with 400', async () => {
    const first = await search(`service=checkout&size=5&${range}`);
    const cursor = (first.body as { nextCursor: string }).nextCursor;
    const [body, sig] = cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ s: '@timestamp:desc', a: [T0 + 1e9, 'zzz'] })).toString('base64url');
    for (const bad of [`${forged}.${sig}`, `${body}.${sig.slice(0, -2)}xx`, 'eyJhIjoxfQ', '%00%01', 'x'.repeat(600)]) {
      const result = await search(`service=checkout&size=5&cursor=${encodeURIComponent(bad)}&${range}`);
      expect(result.status, bad).to.equal(400);
    }
    expect((await search(`service=checkout&size=5&sort=@timestamp:asc&cursor=${encodeURIComponent(cursor)}&${range}`)).status).to.equal(400);
  });

  it('refuses huge or malformed page sizes, unknown sorts and parameters with field-level 400s', async () => {
    const cases: Array<[string, string]> = [
      ['size=100000', 'query.size'],
      ['size=-1', 'query.size'],
      ['size=abc', 'query.size'],
      ['size=0', 'query.size'],
      ['sort=message:desc', 'query.sort'],
      ['sort=_script', 'query.sort'],
      ['level=LOUD', 'query.level.0'],
      ['from=yesterday', 'query.from'],
      ['from=2000&to=1000', 'query.from'],
      ['track_total_hits=true', 'query'],
      [`q=${'a'.repeat(1001)}`, 'query.q'],
      [`service=${'a'.repeat(300)}`, 'query.service.0'],
      ['service=a%0Ab', 'query.service.0'],
      ['q[$ne]=x', 'query'],
    ];
    for (const [query, path] of cases) {
      const result = await search(query);
      expect(result.status, query).to.equal(400);
      const details = (result.body as { error: { details: { path: string }[] } }).error.details;
      expect(details.map((d) => d.path), query).to.include(path);
    }
  });

  it('never answers 500 or returns data outside the filters for injection attempts', async () => {
    const hostile = ['*:*', '/.*.*/', '*efused', '?efused', 'level:x OR 1=1', "'; DROP TABLE users; --", '{"match_all":{}}', 'service:vault', '_id:hidden-1', 'connection | secret', '((((((((((', '"unterminated', '\\', 'a~10000', 'a^1e308', '-', '*'];
    for (const q of hostile) {
      const result = await search(`q=${encodeURIComponent(q)}&service=checkout&size=500&${range}`);
      expect([200, 400], q).to.include(result.status);
      if (result.status === 200) {
        const hits = (result.body as { hits: { event: { service: string } }[] }).hits;
        expect(hits.every((hit) => hit.event.service === 'checkout'), q).to.equal(true);
      }
    }
    // A filter value is a literal, not syntax.
    const literal = await search(`service=${encodeURIComponent('checkout" OR "1"="1')}&${range}`);
    expect(literal.status).to.equal(200);
    expect(ids(literal)).to.deep.equal([]);
    const { rowCount } = await env.pool.query('SELECT 1 FROM users');
    expect(rowCount).to.equal(1);
  });

  it('returns a line with CRLF and ANSI escapes as one escaped event', async () => {
    const result = await search(`q=FAKE&${range}`);
    expect(ids(result)).to.deep.equal(['crlf-1']);
    expect(result.text).to.include('\\r\\n');
    expect(result.text).to.include('\\u001b[31m');
    expect(result.text).not.to.include('\r');
    const event = (result.body as { hits: { event: { message: string } }[] }).hits[0]!.event;
    expect(event.message).to.equal(CRLF_ANSI);
    // The highlight is HTML-escaped, so the script tag cannot render.
    const highlighted = (result.body as { hits: { highlight: string[] }[] }).hits[0]!.highlight[0]!;
    expect(highlighted).to.include('&lt;script&gt;');
  });

  it('gets one event by id; 404 for an unknown id, 400 for an id with path characters', async () => {
    const one = await call(server.url, 'GET', '/api/v1/logs/evt-007', { token });
    expect(one.status).to.equal(200);
    expect((one.body as { event: { message: string } }).event.message).to.equal('request 7 served');
    expect((await call(server.url, 'GET', '/api/v1/logs/evt-999', { token })).status).to.equal(404);
    expect((await call(server.url, 'GET', `/api/v1/logs/${encodeURIComponent('../../_all')}`, { token })).status).to.equal(400);
    expect((await call(server.url, 'GET', `/api/v1/logs/${encodeURIComponent('a"}}')}`, { token })).status).to.equal(400);
  });

  it('gives the lines before and after an event from the same stream, by sourceOffset', async () => {
    const result = await call(server.url, 'GET', '/api/v1/logs/evt-010/context?before=3&after=2', { token });
    expect(result.status, result.text).to.equal(200);
    const body = result.body as { event: { id: string }; before: { id: string }[]; after: { id: string }[]; by: string };
    expect(body.by).to.equal('sourceOffset');
    expect(body.event.id).to.equal('evt-010');
    expect(body.before.map((hit) => hit.id)).to.deep.equal(['evt-007', 'evt-008', 'evt-009']);
    expect(body.after.map((hit) => hit.id)).to.deep.equal(['evt-011', 'evt-012']);
    expect((await call(server.url, 'GET', '/api/v1/logs/evt-010/context?before=100000', { token })).status).to.equal(400);
  });

  it('needs credentials', async () => {
    expect((await call(server.url, 'GET', `/api/v1/logs/search?${range}`)).status).to.equal(401);
  });
});
