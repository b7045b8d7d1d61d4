// Statistics from the PostgreSQL projections (stats_windowed, log_events created by the sinks'
// migrations) through the API: exact bucket sums, error rates, top lists, and bounded input.
import { expect } from 'chai';
import type { ApiServer } from '../../api/server.js';
import { call, createApiTestEnv, login, type ApiTestEnv } from './api-harness.js';

const T0 = Date.UTC(2026, 10, 30, 10, 0, 0);
const MIN = 60_000;

describe('api: statistics (real PostgreSQL)', function () {
  this.timeout(60_000);
  let env: ApiTestEnv;
  let server: ApiServer;
  let token: string;
  const get = (query: string) => call(server.url, 'GET', `/api/v1/stats/${query}`, { token });

  before(async () => {
    env = await createApiTestEnv();
    // 10 one-minute windows for checkout (INFO 10+i, ERROR i) and payments (INFO 5), plus 5-minute rows that must not be double counted.
    const rows: unknown[][] = [];
    for (let i = 0; i < 10; i += 1) {
      rows.push(['checkout', 'INFO', MIN, T0 + i * MIN, 10 + i]);
      rows.push(['checkout', 'ERROR', MIN, T0 + i * MIN, i]);
      rows.push(['payments', 'INFO', MIN, T0 + i * MIN, 5]);
    }
    rows.push(['checkout', 'INFO', 5 * MIN, T0, 9999]);
    for (const [service, level, size, start, count] of rows) {
      await env.pool.query(
        `INSERT INTO stats_windowed (service, level, window_size_ms, window_start, window_end, count, latency_count, latency_sum_ms, emitted_at)
         VALUES ($1, $2, $3::bigint, to_timestamp($4::double precision / 1000), to_timestamp(($4::double precision + $3::bigint) / 1000), $5, 0, 0, now())`,
        [service, level, size, start, count],
      );
    }
    const hosts = ['web-1', 'web-1', 'web-1', 'web-2', 'web-2', 'web-3'];
    for (const [i, host] of hosts.entries()) {
      await env.pool.query(
        `INSERT INTO log_events (event_id, ts, host, service, level, pattern_id, index_name, ingest_ts) VALUES ($1, to_timestamp($2::double precision / 1000), $3, 'checkout', $4, $5, 'x', now())`,
        [`e${i}`, T0 + i * 1000, host, i < 2 ? 'ERROR' : 'INFO', i % 2 === 0 ? 'p-even' : 'p-odd'],
      );
    }
    await env.addUser('analyst', 'analyst-password-1', 'viewer');
    server = await env.start();
    token = (await login(server.url, 'analyst', 'analyst-password-1')).accessToken;
  });
  after(async () => {
    await env?.close();
  });

  it('sums volume by level into 5-minute buckets, reading only the configured window size', async () => {
    const result = await get(`volume?from=${T0}&to=${T0 + 10 * MIN}&interval=5m`);
    expect(result.status, result.text).to.equal(200);
    const body = result.body as { interval: string; buckets: { start: string; total: number; byLevel: Record<string, number> }[] };
    // Bucket 1: INFO (10..14)+5*5 = 60+25 = 85, ERROR 0..4 = 10; bucket 2: INFO (15..19)+25 = 85+25 = 110, ERROR 5..9 = 35.
    expect(body.buckets).to.deep.equal([
      { start: new Date(T0).toISOString(), total: 95, byLevel: { ERROR: 10, INFO: 85 } },
      { start: new Date(T0 + 5 * MIN).toISOString(), total: 145, byLevel: { ERROR: 35, INFO: 110 } },
    ]);
  });

  it('filters volume by service', async () => {
    const result = await get(`volume?from=${T0}&to=${T0 + 10 * MIN}&interval=1h&service=payments`);
    expect((result.body as { buckets: { total: number }[] }).buckets.map((b) => b.total)).to.deep.equal([50]);
  });

  it('computes the error rate per bucket', async () => {
    const result = await get(`error-rate?from=${T0}&to=${T0 + 10 * MIN}&interval=5m&service=checkout`);
    const buckets = (result.body as { buckets: { total: number; errors: number; rate: number }[] }).buckets;
    expect(buckets.map((b) => [b.total, b.errors])).to.deep.equal([[70, 10], [120, 35]]);
    expect(buckets[0]!.rate).to.be.closeTo(10 / 70, 1e-12);
  });

  it('ranks top services from the rollups and top hosts and patterns from log_events', async () => {
    const range = `from=${T0}&to=${T0 + 10 * MIN}`;
    expect((await get(`top?dimension=service&${range}`)).body).to.deep.equal({ dimension: 'service', entries: [{ key: 'checkout', count: 190 }, { key: 'payments', count: 50 }] });
    expect((await get(`top?dimension=host&${range}&limit=2`)).body).to.deep.equal({ dimension: 'host', entries: [{ key: 'web-1', count: 3 }, { key: 'web-2', count: 2 }] });
    expect((await get(`top?dimension=pattern&${range}&level=ERROR`)).body).to.deep.equal({ dimension: 'pattern', entries: [{ key: 'p-even', count: 1 }, { key: 'p-odd', count: 1 }] });
  });

  it('refuses intervals outside the allowlist, too many buckets, huge ranges and injection with 400', async () => {
    const cases = [
      `volume?from=${T0}&to=${T0 + MIN}&interval=1s`,
      `volume?from=${T0}&to=${T0 + MIN}&interval=1%20minute`,
      `volume?from=${T0}&to=${T0 + MIN}&interval=5m'%3B%20DROP%20TABLE%20users%3B--`,
      `volume?from=0&to=${T0}&interval=1m`,
      `volume?from=${T0}&to=${T0 + 2 * 86_400_000}&interval=1m`,
      `volume?from=${T0 + MIN}&to=${T0}`,
      'top?dimension=user_password',
      'top?dimension=host&limit=100000',
      'volume?bogus=1',
    ];
    for (const query of cases) {
      const result = await get(query);
      expect(result.status, `${query}: ${result.text}`).to.equal(400);
    }
    const { rowCount } = await env.pool.query('SELECT 1 FROM users');
    expect(rowCount).to.equal(1);
  });
});
