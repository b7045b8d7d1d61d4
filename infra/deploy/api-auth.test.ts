// infra/deploy/api-auth.sh makes the API's JWT key set for Kubernetes (deploy.sh) and Docker
// hosts: its output must load with `sawmill api`'s own config schema, hold a working key pair,
// and be new on every run (nothing reused, nothing committed).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createSign, createVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiConfigSchema } from '../../api/config.js';
import { loadConfig } from '../../lib/config.js';
import { REPO_ROOT } from './kustomize-render.js';

const SCRIPT = join(REPO_ROOT, 'infra/deploy/api-auth.sh');

function generate(): string {
  return execFileSync(SCRIPT, { encoding: 'utf8', timeout: 20_000 });
}

describe('infra/deploy/api-auth.sh', function () {
  // openssl runs three times per key set.
  this.timeout(30_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sawmill-api-auth-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints an auth config that sawmill api loads, with a key pair that signs and verifies', () => {
    const file = join(dir, 'auth.yaml');
    writeFileSync(file, generate());
    // The environment the deployments give the API, as far as it matters to the schema.
    const config = loadConfig(apiConfigSchema, { file, envPrefix: 'api', env: { SAWMILL_API__SERVER__HOST: '0.0.0.0', SAWMILL_API__KAFKA_BROKERS: 'kafka:9092' } });
    const key = config.auth.keys[0];
    expect(config.auth.keys).to.have.length(1);
    expect(config.auth.signingKid).to.equal(key?.kid);
    expect(key?.algorithm).to.equal('ES256');
    expect(config.auth.cursorSecret).to.match(/^[0-9a-f]{64}$/);
    const signature = createSign('SHA256').update('sawmill').sign(key?.privateKeyPem as string);
    expect(createVerify('SHA256').update('sawmill').verify(key?.publicKeyPem as string, signature)).to.equal(true);
    expect(createVerify('SHA256').update('sawmill!').verify(key?.publicKeyPem as string, signature)).to.equal(false);
  });

  it('makes a new key and secret on every run', () => {
    const [a, b] = [generate(), generate()];
    const secret = (text: string): string | undefined => /cursorSecret: (\S+)/.exec(text)?.[1];
    const privateKey = (text: string): string | undefined => /privateKeyPem: \|\n([\s\S]*?END PRIVATE KEY-----)/.exec(text)?.[1];
    expect(secret(a)).to.be.a('string');
    expect(secret(a)).to.not.equal(secret(b));
    expect(privateKey(a)).to.include('BEGIN PRIVATE KEY');
    expect(privateKey(a)).to.not.equal(privateKey(b));
  });
});
