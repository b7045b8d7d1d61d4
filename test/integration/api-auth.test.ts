// The API's skeleton and authentication against real PostgreSQL, Redis and OpenSearch over real
// HTTP: operational endpoints, headers, error bodies, login, hostile tokens, key rotation, refresh
// rotation with reuse detection, API keys, roles, user management and the audit log.
import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import type { ApiServer } from '../../api/server.js';
import { call, createApiTestEnv, keyPair, login, type ApiTestEnv } from './api-harness.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('api: skeleton and auth (real stack)', function () {
  this.timeout(60_000);
  let env: ApiTestEnv;
  let server: ApiServer;
  let base: string;
  let adminId: string;
  let viewerId: string;

  const claims = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    sub: adminId,
    iss: 'sawmill',
    aud: 'sawmill-api',
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 300,
    ...over,
  });
  const rsaSign = (payload: Record<string, unknown>, header: jwt.JwtHeader = { alg: 'RS256', kid: 'rsa-2026' }): string =>
    jwt.sign(payload, env.rsa.privateKeyPem, { algorithm: 'RS256', header: { ...header, alg: 'RS256' } });
  const me = (token: string) => call(base, 'GET', '/api/v1/auth/me', { token });

  before(async () => {
    env = await createApiTestEnv();
    adminId = await env.addUser('admin', 'admin-password-1234', 'admin');
    viewerId = await env.addUser('viewer', 'viewer-password-1234', 'viewer');
    await env.addUser('editor', 'editor-password-1234', 'editor');
    // Many logins from one address here; the login limit has its own suite (api-rate-limit).
    server = await env.start({ rateLimit: { login: { points: 1000, durationSeconds: 60 } } });
    base = server.url;
  });
  after(async () => {
    await env?.close();
  });

  describe('operational endpoints and headers', () => {
    it('answers /healthz, and /readyz with postgres, redis and opensearch checks all ok', async () => {
      expect((await call(base, 'GET', '/healthz')).status).to.equal(200);
      const ready = await call(base, 'GET', '/readyz');
      expect(ready.status).to.equal(200);
      const checks = (ready.body as { checks: Record<string, { ok: boolean }> }).checks;
      expect(Object.keys(checks).sort()).to.deep.equal(['opensearch', 'postgres', 'redis']);
      expect(Object.values(checks).every((check) => check.ok)).to.equal(true);
    });

    it('counts requests in /metrics by route template, never by raw path', async () => {
      await call(base, 'GET', `/api/v1/users/${randomUUID()}`);
      await me('garbage');
      const metrics = await call(base, 'GET', '/metrics');
      expect(metrics.text).to.match(/sawmill_api_http_requests_total\{method="GET",route="\/api\/v1\/auth\/me",status="401"[^}]*\} 1/);
      expect(metrics.text).to.include('sawmill_api_http_request_duration_seconds_bucket');
      expect(metrics.text).not.to.match(/route="\/api\/v1\/users\/[0-9a-f-]{36}"/);
    });

    it('sets the security headers and no x-powered-by', async () => {
      const result = await call(base, 'GET', '/healthz');
      expect(result.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(result.headers.get('x-frame-options')).to.equal('DENY');
      expect(result.headers.get('content-security-policy')).to.include("default-src 'none'");
      expect(result.headers.get('referrer-policy')).to.equal('no-referrer');
      expect(result.headers.get('x-powered-by')).to.equal(null);
    });

    it('answers an unknown route with a JSON 404', async () => {
      const result = await call(base, 'GET', '/api/v1/nope');
      expect(result.status).to.equal(404);
      expect(result.body).to.deep.equal({ error: { code: 'not_found', message: 'no such route' } });
    });
  });

  describe('malformed and oversized bodies', () => {
    it('refuses invalid JSON with 400 and no stack trace', async () => {
      const result = await call(base, 'POST', '/api/v1/auth/login', { rawBody: '{"username": "admin", ', headers: { 'content-type': 'application/json' } });
      expect(result.status).to.equal(400);
      expect(result.body).to.deep.equal({ error: { code: 'invalid_json', message: 'request body is not valid JSON' } });
      expect(result.text).not.to.match(/at .*\.(js|ts):\d+/);
    });

    it('gives field-level messages for a body of the wrong shape, and refuses unknown fields', async () => {
      const result = await call(base, 'POST', '/api/v1/auth/login', { body: { username: 42, extra: true } });
      expect(result.status).to.equal(400);
      const paths = (result.body as { error: { details: { path: string }[] } }).error.details.map((d) => d.path).sort();
      expect(paths).to.deep.equal(['body', 'body.password', 'body.username']);
    });

    it('refuses a body that is not JSON with 415', async () => {
      const result = await call(base, 'POST', '/api/v1/auth/login', { rawBody: 'username=admin', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(result.status).to.equal(415);
    });

    it('answers a 200 MB body with 413 before reading it', async () => {
      const size = 200 * 1024 * 1024;
      const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
        const url = new URL('/api/v1/auth/login', base);
        const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(size) } });
        let sent = 0;
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let answered = false;
        req.on('response', (response) => {
          answered = true;
          response.resume();
          resolve({ status: response.statusCode ?? 0, sent });
          req.destroy();
        });
        req.on('error', (error) => (answered ? undefined : reject(error)));
        const pump = (): void => {
          while (!answered && sent < size) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
        };
        pump();
      });
      expect(status).to.equal(413);
      expect(sent).to.be.below(size);
    });

    it('refuses an oversized password with 400 without hashing it', async () => {
      const result = await call(base, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'x'.repeat(100_000) } });
      expect(result.status).to.equal(400);
    });
  });

  describe('login', () => {
    it('issues tokens for the right password, 401 with the same message for a wrong password or unknown user', async () => {
      const tokens = await login(base, 'admin', 'admin-password-1234');
      expect(tokens.accessToken.split('.')).to.have.length(3);
      expect(tokens.refreshToken).to.match(/^smr_[0-9a-f]{16}_/);
      const header = JSON.parse(Buffer.from(tokens.accessToken.split('.')[0]!, 'base64url').toString()) as { alg: string; kid: string };
      expect(header).to.deep.include({ alg: 'RS256', kid: 'rsa-2026' });
      const wrong = await call(base, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'nope-nope-nope' } });
      const unknown = await call(base, 'POST', '/api/v1/auth/login', { body: { username: 'ghost', password: 'nope-nope-nope' } });
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      expect(wrong.body).to.deep.equal(unknown.body);
      expect((await me(tokens.accessToken)).body).to.deep.include({ kind: 'user', username: 'admin', role: 'admin' });
    });
  });

  describe('hostile tokens each get 401', () => {
    const cases: Array<[string, () => string]> = [
      ['alg none', () => `${b64({ alg: 'none', typ: 'JWT', kid: 'rsa-2026' })}.${b64(claims())}.`],
      ['HS256 signed with the RS256 public key', () => {
        const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'rsa-2026' })}.${b64(claims())}`;
        return `${head}.${createHmac('sha256', env.rsa.publicKeyPem).update(head).digest('base64url')}`;
      }],
      ['expired', () => rsaSign(claims({ exp: Math.floor(Date.now() / 1000) - 3600 }))],
      ['no exp', () => {
        const { exp: _exp, ...rest } = claims();
        return rsaSign(rest);
      }],
      ['future nbf', () => rsaSign(claims({ nbf: Math.floor(Date.now() / 1000) + 3600 }))],
      ['wrong aud', () => rsaSign(claims({ aud: 'someone-else' }))],
      ['wrong iss', () => rsaSign(claims({ iss: 'evil' }))],
      ['tampered signature', () => {
        const token = rsaSign(claims());
        const [h, p, s] = token.split('.') as [string, string, string];
        return `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      }],
      ['tampered payload (role escalation)', () => {
        const token = rsaSign(claims({ sub: viewerId }));
        const [h, , s] = token.split('.') as [string, string, string];
        return `${h}.${b64(claims({ sub: adminId }))}.${s}`;
      }],
      ['unknown kid', () => rsaSign(claims(), { alg: 'RS256', kid: 'rsa-1999' })],
      ["kid '../../etc/passwd'", () => rsaSign(claims(), { alg: 'RS256', kid: '../../etc/passwd' })],
      ['no kid', () => jwt.sign(claims(), env.rsa.privateKeyPem, { algorithm: 'RS256' })],
      ['alg of another key than the kid (ES256 token under the RSA kid)', () =>
        jwt.sign(claims(), env.ec.privateKeyPem, { algorithm: 'ES256', header: { alg: 'ES256', kid: 'rsa-2026' } })],
      ['signed by a key not in the set under a known kid', () => jwt.sign(claims(), keyPair('ec').privateKeyPem, { algorithm: 'ES256', keyid: 'ec-2025' })],
      ['sub of a user that does not exist', () => rsaSign(claims({ sub: randomUUID() }))],
      ['garbage', () => 'not.a.jwt'],
      ['a 10 KB token', () => `${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`],
    ];
    for (const [name, make] of cases) {
      it(name, async () => {
        const result = await me(make());
        expect(result.status, result.text).to.equal(401);
        expect(result.body).to.deep.equal({ error: { code: 'unauthorized', message: 'authentication required' } });
      });
    }

    it('accepts a well-formed token as the control case, and one signed by the rotated-out EC key (verify-only)', async () => {
      expect((await me(rsaSign(claims()))).status).to.equal(200);
      const ecToken = jwt.sign(claims(), env.ec.privateKeyPem, { algorithm: 'ES256', keyid: 'ec-2025' });
      const result = await me(ecToken);
      expect(result.status).to.equal(200);
      expect(result.body).to.deep.include({ username: 'admin' });
    });

    it('refuses a token of a disabled user at once', async () => {
      const id = await env.addUser('soon-disabled', 'soon-disabled-pass-1', 'viewer');
      const token = rsaSign(claims({ sub: id }));
      expect((await me(token)).status).to.equal(200);
      await env.pool.query('UPDATE users SET disabled = true WHERE id = $1', [id]);
      expect((await me(token)).status).to.equal(401);
    });
  });

  describe('refresh tokens', () => {
    it('rotates, and a reused refresh token revokes the whole family', async () => {
      const first = await login(base, 'editor', 'editor-password-1234');
      const second = await call(base, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(second.status).to.equal(200);
      const secondRefresh = (second.body as { refreshToken: string }).refreshToken;
      expect(secondRefresh).not.to.equal(first.refreshToken);
      expect((await me((second.body as { accessToken: string }).accessToken)).body).to.deep.include({ username: 'editor' });

      const replay = await call(base, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
      expect(replay.status).to.equal(401);
      // The legitimate successor dies with the family.
      const afterReuse = await call(base, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: secondRefresh } });
      expect(afterReuse.status).to.equal(401);
      const { rows } = await env.pool.query<{ n: string }>(`SELECT count(*) AS n FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'editor' AND revoked_at IS NULL`);
      expect(Number(rows[0]!.n)).to.equal(0);
    });

    it('stores only hashes of refresh tokens', async () => {
      const tokens = await login(base, 'viewer', 'viewer-password-1234');
      const secret = tokens.refreshToken.split('_')[2]!;
      const { rows } = await env.pool.query<{ secret_hash: Buffer }>('SELECT secret_hash FROM refresh_tokens');
      expect(rows.length).to.be.greaterThan(0);
      expect(rows.some((row) => row.secret_hash.toString('utf8').includes(secret) || row.secret_hash.toString('base64url') === secret)).to.equal(false);
    });

    it('refuses malformed, tampered and logged-out refresh tokens', async () => {
      const tokens = await login(base, 'viewer', 'viewer-password-1234');
      for (const bad of ['x', `${tokens.refreshToken.slice(0, -1)}${tokens.refreshToken.endsWith('A') ? 'B' : 'A'}`, "smr_0000000000000000_' OR 1=1 --"]) {
        expect((await call(base, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: bad } })).status).to.equal(401);
      }
      expect((await call(base, 'POST', '/api/v1/auth/logout', { body: { refreshToken: tokens.refreshToken } })).status).to.equal(204);
      expect((await call(base, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: tokens.refreshToken } })).status).to.equal(401);
    });
  });

  describe('roles, users and the audit log', () => {
    it('lets only admins manage users (viewer 403, editor 403)', async () => {
      const viewer = await login(base, 'viewer', 'viewer-password-1234');
      const editor = await login(base, 'editor', 'editor-password-1234');
      const body = { username: 'newbie', password: 'newbie-password-12', role: 'viewer' };
      expect((await call(base, 'POST', '/api/v1/users', { token: viewer.accessToken, body })).status).to.equal(403);
      expect((await call(base, 'POST', '/api/v1/users', { token: editor.accessToken, body })).status).to.equal(403);
      expect((await call(base, 'GET', '/api/v1/users', { token: viewer.accessToken })).status).to.equal(403);
    });

    it('creates, updates and deletes users as admin, each change in the audit log', async () => {
      const admin = await login(base, 'admin', 'admin-password-1234');
      const created = await call(base, 'POST', '/api/v1/users', { token: admin.accessToken, body: { username: 'carol', password: 'carol-password-12', role: 'viewer' } });
      expect(created.status).to.equal(201);
      const carol = created.body as { id: string; role: string };
      expect(carol.role).to.equal('viewer');
      expect((await call(base, 'POST', '/api/v1/users', { token: admin.accessToken, body: { username: 'carol', password: 'carol-password-12', role: 'viewer' } })).status).to.equal(409);
      const updated = await call(base, 'PATCH', `/api/v1/users/${carol.id}`, { token: admin.accessToken, body: { role: 'editor' } });
      expect((updated.body as { role: string }).role).to.equal('editor');
      expect((await call(base, 'DELETE', `/api/v1/users/${carol.id}`, { token: admin.accessToken })).status).to.equal(204);
      expect((await call(base, 'DELETE', `/api/v1/users/${carol.id}`, { token: admin.accessToken })).status).to.equal(404);
      const { rows } = await env.pool.query<{ action: string; actor: string }>(`SELECT action, actor FROM audit_log WHERE target_type = 'user' AND target_id = $1 ORDER BY id`, [carol.id]);
      expect(rows.map((row) => row.action)).to.deep.equal(['user.create', 'user.update', 'user.delete']);
      expect(rows.every((row) => row.actor === `user:${adminId}`)).to.equal(true);
      const { rows: secrets } = await env.pool.query<{ details: string }>(`SELECT details::text FROM audit_log`);
      expect(secrets.some((row) => row.details.includes('carol-password'))).to.equal(false);
    });

    it('ignores a role field sent on self-update', async () => {
      const viewer = await login(base, 'viewer', 'viewer-password-1234');
      const result = await call(base, 'PATCH', '/api/v1/users/me', { token: viewer.accessToken, body: { currentPassword: 'viewer-password-1234', newPassword: 'viewer-password-1234', role: 'admin' } });
      expect(result.status).to.equal(200);
      expect((result.body as { role: string }).role).to.equal('viewer');
      const { rows } = await env.pool.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [viewerId]);
      expect(rows[0]!.role).to.equal('viewer');
      expect((await me(viewer.accessToken)).body).to.deep.include({ role: 'viewer' });
    });

    it('refuses malformed ids and keeps the last admin', async () => {
      const admin = await login(base, 'admin', 'admin-password-1234');
      expect((await call(base, 'PATCH', "/api/v1/users/1'%20OR%20'1'='1", { token: admin.accessToken, body: { role: 'viewer' } })).status).to.equal(400);
      const demote = await call(base, 'PATCH', `/api/v1/users/${adminId}`, { token: admin.accessToken, body: { role: 'viewer' } });
      expect(demote.status).to.equal(409);
    });
  });

  describe('API keys', () => {
    it('authenticates scripts with a scoped key, caps it at the owner role, and stops working once revoked', async () => {
      const editor = await login(base, 'editor', 'editor-password-1234');
      const tooHigh = await call(base, 'POST', '/api/v1/api-keys', { token: editor.accessToken, body: { name: 'ci', scope: 'admin' } });
      expect(tooHigh.status).to.equal(403);
      const created = await call(base, 'POST', '/api/v1/api-keys', { token: editor.accessToken, body: { name: 'ci', scope: 'editor' } });
      expect(created.status).to.equal(201);
      const { key, token } = created.body as { key: { id: string }; token: string };
      expect(token).to.match(/^smk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect((await me(token)).body).to.deep.include({ kind: 'api-key', role: 'editor', apiKeyId: key.id });
      // Demoting the owner demotes the key at once.
      await env.pool.query(`UPDATE users SET role = 'viewer' WHERE username = 'editor'`);
      expect((await me(token)).body).to.deep.include({ role: 'viewer' });
      await env.pool.query(`UPDATE users SET role = 'editor' WHERE username = 'editor'`);
      const { rows } = await env.pool.query<{ secret_hash: Buffer }>('SELECT secret_hash FROM api_keys WHERE id = $1', [key.id]);
      expect(rows[0]!.secret_hash.length).to.equal(32);
      expect((await call(base, 'DELETE', `/api/v1/api-keys/${key.id}`, { token: editor.accessToken })).status).to.equal(204);
      expect((await me(token)).status).to.equal(401);
    });

    it('refuses a key with a wrong secret, a forged id or SQL in it', async () => {
      const viewer = await login(base, 'viewer', 'viewer-password-1234');
      const created = await call(base, 'POST', '/api/v1/api-keys', { token: viewer.accessToken, body: { name: 'script' } });
      const { token } = created.body as { token: string };
      const [prefix, id, secret] = token.split('_') as [string, string, string];
      for (const bad of [`${prefix}_${id}_${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, `${prefix}_0000000000000000_${secret}`, `smk_' OR '1'='1`]) {
        expect((await me(bad)).status).to.equal(401);
      }
      const keyToken = token;
      expect((await call(base, 'POST', '/api/v1/api-keys', { token: keyToken, body: { name: 'child' } })).status).to.equal(403);
    });
  });
});
