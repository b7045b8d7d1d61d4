// Rate limits on the real Redis, shared by two API instances: per client address (socket or the
// configured trusted hop of X-Forwarded-For, never the client-chosen left-most entry), per user
// or API key, and a stricter limit on login; 429 with Retry-After.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { waitFor } from '../support/wait-for.js';
import type { ApiServer } from '../../api/server.js';
import { call, createApiTestEnv, login, type ApiTestEnv } from './api-harness.js';

describe('api: rate limits shared through Redis (two instances)', function () {
  this.timeout(60_000);
  let env: ApiTestEnv;

  before(async () => {
    env = await createApiTestEnv();
    await env.addUser('alice', 'alice-password-1234', 'viewer');
    await env.addUser('bob', 'bob-password-12345', 'viewer');
  });
  after(async () => {
    await env?.close();
  });

  /** Starts two instances on one Redis with a fresh key prefix each call, so cases do not share budgets. */
  async function pair(rateLimit: Record<string, unknown>, trustedProxyHops = 0): Promise<[ApiServer, ApiServer]> {
    const keyPrefix = `${env.redisPrefix}${Math.random().toString(16).slice(2, 8)}:`;
    const overrides = { server: { port: 0, trustedProxyHops }, rateLimit: { keyPrefix, ...rateLimit } };
    return [await env.start(overrides), await env.start(overrides)];
  }

  it('counts one client address across both instances; rotating the left of X-Forwarded-For does not escape it', async () => {
    const [a, b] = await pair({ perClient: { points: 5, durationSeconds: 60 } }, 1);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 8; i += 1) {
      // The client controls everything left of what the proxy appended (203.0.113.10).
      last = await call(i % 2 === 0 ? a.url : b.url, 'GET', '/api/v1/auth/me', { headers: { 'x-forwarded-for': `10.9.${i}.${i}, 203.0.113.10` } });
      statuses.push(last.status);
    }
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).to.be.within(1, 60);
    expect((last!.body as { error: { code: string } }).error.code).to.equal('rate_limited');
    // Another client behind the same proxy still has its own budget.
    const other = await call(a.url, 'GET', '/api/v1/auth/me', { headers: { 'x-forwarded-for': '203.0.113.11' } });
    expect(other.status).to.equal(401);
  });

  it('with no trusted proxy, ignores X-Forwarded-For entirely and counts the socket address', async () => {
    const [a, b] = await pair({ perClient: { points: 3, durationSeconds: 60 } }, 0);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await call(i % 2 === 0 ? a.url : b.url, 'GET', '/api/v1/auth/me', { headers: { 'x-forwarded-for': `198.51.100.${i}` } })).status);
    }
    expect(statuses).to.deep.equal([401, 401, 401, 429, 429]);
  });

  it('limits login attempts per username and per address, stricter than the general limit, on both instances', async () => {
    const [a, b] = await pair({ login: { points: 3, durationSeconds: 120 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await call(i % 2 === 0 ? a.url : b.url, 'POST', '/api/v1/auth/login', { body: { username: 'alice', password: `wrong-guess-${i}` } })).status);
    }
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
    // Even the right password is refused while limited: the limit is checked before the password.
    const right = await call(b.url, 'POST', '/api/v1/auth/login', { body: { username: 'alice', password: 'alice-password-1234' } });
    expect(right.status).to.equal(429);
    expect(Number(right.headers.get('retry-after'))).to.be.within(1, 120);
    // The address is spent too: another username from here is refused.
    expect((await call(a.url, 'POST', '/api/v1/auth/login', { body: { username: 'bob', password: 'bob-password-12345' } })).status).to.equal(429);
  });

  it('does not use up the login budget on successful logins', async () => {
    const [a] = await pair({ login: { points: 3, durationSeconds: 120 } });
    for (let i = 0; i < 6; i += 1) await login(a.url, 'bob', 'bob-password-12345');
  });

  it('limits each user across instances, whatever address they come from', async () => {
    const [a, b] = await pair({ perPrincipal: { points: 4, durationSeconds: 60 } }, 1);
    const { accessToken } = await login(a.url, 'bob', 'bob-password-12345');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await call(i % 2 === 0 ? a.url : b.url, 'GET', '/api/v1/auth/me', { token: accessToken, headers: { 'x-forwarded-for': `192.0.2.${i}` } })).status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, 200, 429, 429]);
    // Another user is unaffected.
    const alice = await login(b.url, 'alice', 'alice-password-1234');
    expect((await call(a.url, 'GET', '/api/v1/auth/me', { token: alice.accessToken })).status).to.equal(200);
  });

  it('shares one limit between two separate `sawmill api` processes', async () => {
    const keyPrefix = `${env.redisPrefix}procs:`;
    const overrides = { server: { port: 0, trustedProxyHops: 1 }, rateLimit: { keyPrefix, perClient: { points: 6, durationSeconds: 60 } } };
    const inProcess = await env.start(overrides);
    // A free port for the child: taken from the OS, released, then handed to the child's config.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address() as { port: number };
        probe.close(() => resolve(address.port));
      });
    });
    const dir = mkdtempSync(join(tmpdir(), 'sawmill-api-proc-'));
    const file = join(dir, 'api.yaml');
    // JSON is YAML: the child reads exactly the config the in-process instance runs with.
    writeFileSync(file, JSON.stringify(env.config({ ...overrides, server: { port, trustedProxyHops: 1 } })));
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'bin/sawmill.ts', 'api', '--config', file], { env: { ...process.env, SAWMILL_LOG_LEVEL: 'warn' }, stdio: 'ignore' });
      const childUrl = `http://127.0.0.1:${port}`;
      await waitFor('the child API to be ready', async () => (await fetch(`${childUrl}/readyz`).catch(() => undefined))?.status === 200, { timeoutMs: 30_000, intervalMs: 200 });
      const statuses: number[] = [];
      for (let i = 0; i < 9; i += 1) {
        statuses.push((await call(i % 2 === 0 ? childUrl : inProcess.url, 'GET', '/api/v1/auth/me', { headers: { 'x-forwarded-for': `10.1.${i}.1, 203.0.113.99` } })).status);
      }
      expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 401, 429, 429, 429]);
    } finally {
      child?.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the counters in Redis under the configured prefix', async () => {
    const keys = await env.redis.keys(`${env.redisPrefix}*`);
    expect(keys.some((key) => key.includes('client'))).to.equal(true);
    expect(keys.some((key) => key.includes('login-user'))).to.equal(true);
  });
});
