import { expect } from 'chai';
import type { OpenSearchClient } from '../lib/opensearch.js';
import { ServiceUnavailableError } from '../lib/errors.js';
import { createCanaryLine } from './canary-line.js';
import { createSearchableCheck, totalHits } from './searchable-check.js';

describe('searchable check', () => {
  it('reads hits.total in both shapes', () => {
    expect(totalHits({ hits: { total: { value: 3, relation: 'eq' } } })).to.equal(3);
    expect(totalHits({ hits: { total: 0 } })).to.equal(0);
  });

  it('refuses answers of any other shape instead of guessing', () => {
    for (const body of [null, {}, { hits: {} }, { hits: { total: '3' } }, { hits: { total: { value: -1 } } }, { hits: { total: { value: Number.NaN } } }, 'x'.repeat(10_000)]) {
      expect(() => totalHits(body), JSON.stringify(body)?.slice(0, 40)).to.throw(ServiceUnavailableError, /unexpected search answer/);
    }
  });

  it('searches the pattern for the token in message and line, from before the write, without retries', async () => {
    const calls: unknown[] = [];
    const client = {
      search: async (params: unknown, options: unknown) => {
        calls.push(params, options);
        return { body: { hits: { total: { value: 1 } } } };
      },
    } as unknown as OpenSearchClient;
    const line = createCanaryLine('s', 1_000_000_000_000);
    expect(await createSearchableCheck({ client, indexPattern: 'sawmill-logs-*', requestTimeoutMs: 700 })(line.token, line.writtenAtMs)).to.equal(true);
    expect(calls[1]).to.deep.equal({ requestTimeout: 700, maxRetries: 0 });
    const params = calls[0] as { index: string; body: { query: { bool: { filter: unknown[] } } } };
    expect(params.index).to.equal('sawmill-logs-*');
    expect(params.body.query.bool.filter).to.deep.equal([
      { multi_match: { query: line.token, fields: ['message', 'line'], type: 'phrase' } },
      { range: { '@timestamp': { gte: 1_000_000_000_000 - 600_000, format: 'epoch_millis' } } },
    ]);
  });

  it('never sends a query for something that is not a canary token', async () => {
    const client = { search: async () => { throw new Error('must not be called'); } } as unknown as OpenSearchClient;
    const check = createSearchableCheck({ client, indexPattern: 'p-*', requestTimeoutMs: 100 });
    for (const bad of ['*', 'a OR b', '"} } ]', 'sawmillcanary']) {
      let error: unknown;
      await check(bad, 0).catch((e: unknown) => (error = e));
      expect(error, bad).to.be.instanceOf(TypeError);
    }
  });

  it('turns a failed search into a retriable ServiceUnavailableError', async () => {
    const client = { search: async () => { throw new Error('connect ECONNREFUSED'); } } as unknown as OpenSearchClient;
    const line = createCanaryLine('s');
    let error: unknown;
    await createSearchableCheck({ client, indexPattern: 'p-*', requestTimeoutMs: 100 })(line.token, 0).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).retriable).to.equal(true);
    expect((error as Error).message).to.include('ECONNREFUSED');
  });
});
