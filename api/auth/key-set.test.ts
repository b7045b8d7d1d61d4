import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { createKeySet } from './key-set.js';

const pem = (kind: 'rsa' | 'ec') => {
  const pair = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
};
const rsa = pem('rsa');
const ec = pem('ec');
const auth = (keys: unknown[], signingKid = 'a') => ({ issuer: 'i', audience: 'a', accessTokenTtlSeconds: 60, refreshTokenTtlSeconds: 60, clockToleranceSeconds: 0, signingKid, keys, cursorSecret: 'x'.repeat(16) }) as never;

function configErrorKey(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof ConfigError ? error.key : 'not a ConfigError';
  }
}

describe('createKeySet', () => {
  it('looks keys up by exact kid only, with the algorithms of the set as the allowlist', () => {
    const set = createKeySet(auth([{ kid: 'a', algorithm: 'RS256', ...rsa }, { kid: 'b', algorithm: 'ES256', publicKeyPem: ec.publicKeyPem }]));
    expect(set.signing.kid).to.equal('a');
    expect(set.algorithms).to.deep.equal(['RS256', 'ES256']);
    expect(set.verificationKey('b')?.algorithm).to.equal('ES256');
    for (const kid of ['../../etc/passwd', 'A', 'a ', '__proto__', 'constructor', 42, null, undefined, ['a']]) {
      expect(set.verificationKey(kid), String(kid)).to.equal(undefined);
    }
  });

  it('refuses a key whose type does not fit its algorithm, a mismatched private key, duplicates and a signing kid without a private key', () => {
    expect(configErrorKey(() => createKeySet(auth([{ kid: 'a', algorithm: 'ES256', ...rsa }])))).to.equal('auth.keys[0].algorithm');
    expect(configErrorKey(() => createKeySet(auth([{ kid: 'a', algorithm: 'RS256', publicKeyPem: rsa.publicKeyPem, privateKeyPem: pem('rsa').privateKeyPem }])))).to.equal('auth.keys[0].privateKeyPem');
    expect(configErrorKey(() => createKeySet(auth([{ kid: 'a', algorithm: 'RS256', ...rsa }, { kid: 'a', algorithm: 'RS256', publicKeyPem: rsa.publicKeyPem }])))).to.equal('auth.keys[1].kid');
    expect(configErrorKey(() => createKeySet(auth([{ kid: 'a', algorithm: 'RS256', publicKeyPem: rsa.publicKeyPem }])))).to.equal('auth.keys[0].privateKeyPem');
    expect(configErrorKey(() => createKeySet(auth([{ kid: 'b', algorithm: 'RS256', ...rsa }])))).to.equal('auth.signingKid');
    expect(configErrorKey(() => createKeySet(auth([{ kid: 'a', algorithm: 'RS256', publicKeyPem: 'not a pem', privateKeyPem: rsa.privateKeyPem }])))).to.equal('auth.keys[0].publicKeyPem');
  });
});
