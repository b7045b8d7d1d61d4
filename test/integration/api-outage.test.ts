// The API with a store down (real services for the rest): /readyz names the failing dependency,
// requests that need it get 503 with Retry-After (never a 500, never a stack trace), and the rate
// limiter fails closed rather than letting unlimited traffic through.
import { expect } from 'chai';
import { call, createApiTestEnv, login, type ApiTestEnv } from './api-harness.js';

describe('api: stores unavailable', function () {
  this.timeout(60_000);
  let env: ApiTestEnv;

  before(async () => {
    env = await createApiTestEnv();
    await env.addUser('ops', 'ops-password-12345', 'viewer');
  });
  after(async () => {
    await env?.close();
  });

  it('reports Redis and OpenSearch down in /readyz and answers 503 with Retry-After while the limiter is down', async () => {
    const server = await env.start({ redisUrl: 'redis://127.0.0.1:1', opensearchUrl: 'http://127.0.0.1:1' });
    const ready = await call(server.url, 'GET', '/readyz');
    expect(ready.status).to.equal(503);
    const checks = (ready.body as { checks: Record<string, { ok: boolean }> }).checks;
    expect({ postgres: checks['postgres']!.ok, redis: checks['redis']!.ok, opensearch: checks['opensearch']!.ok }).to.deep.equal({ postgres: true, redis: false, opensearch: false });
    expect((await call(server.url, 'GET', '/healthz')).status).to.equal(200);
    const result = await call(server.url, 'POST', '/api/v1/auth/login', { body: { username: 'ops', password: 'ops-password-12345' } });
    expect(result.status).to.equal(503);
    expect(result.headers.get('retry-after')).to.equal('5');
    expect(result.body).to.deep.equal({ error: { code: 'unavailable', message: 'rate limiter is unavailable; try again later' } });
  });

  it('answers 503 for search while OpenSearch is down, with Redis and PostgreSQL up', async () => {
    const server = await env.start({ opensearchUrl: 'http://127.0.0.1:1' });
    const { accessToken } = await login(server.url, 'ops', 'ops-password-12345');
    const result = await call(server.url, 'GET', '/api/v1/logs/search?q=x', { token: accessToken });
    expect(result.status).to.equal(503);
    expect((result.body as { error: { code: string } }).error.code).to.equal('unavailable');
  });

  it('answers 503, not 500, when PostgreSQL is unreachable', async () => {
    const server = await env.start({ postgresUrl: 'postgres://postgres@127.0.0.1:1/nowhere' });
    const result = await call(server.url, 'POST', '/api/v1/auth/login', { body: { username: 'ops', password: 'ops-password-12345' } });
    expect(result.status).to.equal(503);
    expect(result.text).not.to.match(/ECONNREFUSED|at .*\.ts:\d+/);
  });
});
