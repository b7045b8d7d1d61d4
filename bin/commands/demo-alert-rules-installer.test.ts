import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, isRetriable, SawmillError } from '../../lib/errors.js';
import { demoAlertRulesConfigSchema, installDemoAlertRules, readPasswordFile } from './demo-alert-rules-installer.js';
import { DEMO_ALERT_RULES } from './demo-alert-rules.js';

interface Request {
  url: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/** A fake API: answers login with `loginStatus`, and rule creates with 201 unless the id is in `existing`. */
function fakeApi(options: { loginStatus?: number; existing?: string[]; ruleStatus?: number; down?: boolean } = {}): { fetch: typeof fetch; requests: Request[] } {
  const requests: Request[] = [];
  const fake = async (input: string | URL | globalThis.Request, init?: RequestInit): Promise<Response> => {
    if (options.down === true) throw new TypeError('fetch failed: connect ECONNREFUSED 127.0.0.1:8080');
    const headers = new Headers(init?.headers);
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
    const url = String(input);
    requests.push({ url, authorization: headers.get('authorization') ?? undefined, body });
    if (url.endsWith('/api/v1/auth/login')) {
      const status = options.loginStatus ?? 200;
      return new Response(JSON.stringify(status === 200 ? { accessToken: 'token-1', tokenType: 'Bearer', expiresIn: 900, refreshToken: 'r' } : { error: 'unauthorized' }), { status });
    }
    if (options.ruleStatus !== undefined) return new Response('{"error":"nope"}', { status: options.ruleStatus });
    return new Response('{}', { status: options.existing?.includes(String(body['id'])) ? 409 : 201 });
  };
  return { fetch: fake as typeof fetch, requests };
}

describe('installDemoAlertRules', () => {
  it('logs in, then posts every rule with its fixed id and the bearer token', async () => {
    const api = fakeApi();
    const outcome = await installDemoAlertRules({ apiUrl: 'http://api:8080/', username: 'admin', password: 's3cret', fetch: api.fetch });
    expect(outcome).to.deep.equal({ created: DEMO_ALERT_RULES.map((r) => r.id), existing: [] });
    expect(api.requests[0]).to.deep.equal({ url: 'http://api:8080/api/v1/auth/login', authorization: undefined, body: { username: 'admin', password: 's3cret' } });
    expect(api.requests.slice(1).map((r) => [r.url, r.authorization, r.body['id']])).to.deep.equal(DEMO_ALERT_RULES.map((r) => ['http://api:8080/api/v1/alert-rules', 'Bearer token-1', r.id]));
  });

  it('leaves rules that exist (409) as they are and reports them', async () => {
    const [first, ...others] = DEMO_ALERT_RULES.map((r) => r.id);
    const outcome = await installDemoAlertRules({ apiUrl: 'http://api:8080', username: 'admin', password: 'x', fetch: fakeApi({ existing: others }).fetch });
    expect(outcome).to.deep.equal({ created: [first], existing: others });
  });

  it('gives up at once on refused credentials or a refused rule', async () => {
    for (const api of [fakeApi({ loginStatus: 401 }), fakeApi({ ruleStatus: 400 }), fakeApi({ ruleStatus: 403 })]) {
      const error = await installDemoAlertRules({ apiUrl: 'http://api:8080', username: 'admin', password: 'x', fetch: api.fetch }).then(
        () => expect.fail('should have thrown'),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SawmillError);
      expect(isRetriable(error), (error as Error).message).to.equal(false);
    }
  });

  it('reports an unreachable API, 429 and 5xx as retriable', async () => {
    for (const api of [fakeApi({ down: true }), fakeApi({ loginStatus: 503 }), fakeApi({ ruleStatus: 503 }), fakeApi({ ruleStatus: 429 })]) {
      const error = await installDemoAlertRules({ apiUrl: 'http://api:8080', username: 'admin', password: 'x', fetch: api.fetch }).then(
        () => expect.fail('should have thrown'),
        (e: unknown) => e,
      );
      expect(isRetriable(error), (error as Error).message).to.equal(true);
    }
  });
});

describe('demo alert rules config', () => {
  it('defaults the user to admin and rejects unknown keys and a URL with a path', () => {
    expect(demoAlertRulesConfigSchema.parse({ apiUrl: 'http://127.0.0.1:8080', passwordFile: '/p' })).to.deep.equal({ apiUrl: 'http://127.0.0.1:8080', username: 'admin', passwordFile: '/p', retryForMs: 600_000 });
    expect(demoAlertRulesConfigSchema.safeParse({ apiUrl: 'http://127.0.0.1:8080', passwordFile: '/p', password: 'x' }).success).to.equal(false);
    expect(demoAlertRulesConfigSchema.safeParse({ apiUrl: 'http://127.0.0.1:8080/api/v1', passwordFile: '/p' }).success).to.equal(false);
  });

  it('reads the first line of the password file, and names the key when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-rules-'));
    writeFileSync(join(dir, 'password'), 'first line\nsecond\n');
    writeFileSync(join(dir, 'empty'), '\n');
    expect(readPasswordFile(join(dir, 'password'))).to.equal('first line');
    for (const file of [join(dir, 'empty'), join(dir, 'missing')]) {
      expect(() => readPasswordFile(file)).to.throw(ConfigError).with.property('key', 'alertRules.passwordFile');
    }
  });
});
