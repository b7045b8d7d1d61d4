import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ConfigError } from '../../lib/errors.js';
import type { ApiConfig } from '../config.js';

/** An asymmetric JWT algorithm the API accepts; symmetric (HS*) and `none` are never allowed. */
export type JwtAlgorithm = ApiConfig['auth']['keys'][number]['algorithm'];

/** A verification key of the key set. */
export interface VerificationKey {
  readonly kid: string;
  readonly algorithm: JwtAlgorithm;
  readonly publicKey: KeyObject;
}

/** The JWT key set: one signing key, every listed key for verification, looked up only by exact kid in a Map. */
export interface KeySet {
  readonly signing: { readonly kid: string; readonly algorithm: JwtAlgorithm; readonly privateKey: KeyObject };
  /** The key for `kid`, or undefined; `kid` is only ever a Map key, never a path or query. */
  verificationKey(kid: unknown): VerificationKey | undefined;
  /** Algorithms of the listed keys: the allowlist given to the verifier. */
  readonly algorithms: readonly JwtAlgorithm[];
}

const KEY_TYPE_OF: Readonly<Record<JwtAlgorithm, string>> = {
  RS256: 'rsa',
  RS384: 'rsa',
  RS512: 'rsa',
  PS256: 'rsa',
  ES256: 'ec',
  ES384: 'ec',
  ES512: 'ec',
};

/** Builds the key set from config; throws ConfigError on an unparsable PEM, a key of the wrong type for its algorithm, a duplicate kid, or a signing kid without a private key. */
export function createKeySet(auth: ApiConfig['auth']): KeySet {
  const keys = new Map<string, VerificationKey>();
  let signing: KeySet['signing'] | undefined;
  auth.keys.forEach((entry, index) => {
    const where = `auth.keys[${index}]`;
    if (keys.has(entry.kid)) throw new ConfigError(`duplicate kid ${JSON.stringify(entry.kid)}`, 'config', `${where}.kid`);
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey(entry.publicKeyPem);
    } catch (error) {
      throw new ConfigError(`publicKeyPem of kid ${entry.kid} is not a PEM public key: ${(error as Error).message}`, 'config', `${where}.publicKeyPem`);
    }
    if (publicKey.asymmetricKeyType !== KEY_TYPE_OF[entry.algorithm]) {
      throw new ConfigError(`kid ${entry.kid} is a ${publicKey.asymmetricKeyType ?? 'unknown'} key, ${entry.algorithm} needs ${KEY_TYPE_OF[entry.algorithm]}`, 'config', `${where}.algorithm`);
    }
    keys.set(entry.kid, { kid: entry.kid, algorithm: entry.algorithm, publicKey });
    if (entry.kid === auth.signingKid) {
      if (entry.privateKeyPem === undefined) throw new ConfigError(`signing kid ${entry.kid} has no privateKeyPem`, 'config', `${where}.privateKeyPem`);
      let privateKey: KeyObject;
      try {
        privateKey = createPrivateKey(entry.privateKeyPem);
      } catch (error) {
        throw new ConfigError(`privateKeyPem of kid ${entry.kid} is not a PEM private key: ${(error as Error).message}`, 'config', `${where}.privateKeyPem`);
      }
      const derived = createPublicKey(privateKey).export({ format: 'jwk' });
      if (JSON.stringify(derived) !== JSON.stringify(publicKey.export({ format: 'jwk' }))) {
        throw new ConfigError(`privateKeyPem of kid ${entry.kid} does not match its publicKeyPem`, 'config', `${where}.privateKeyPem`);
      }
      signing = { kid: entry.kid, algorithm: entry.algorithm, privateKey };
    }
  });
  if (signing === undefined) throw new ConfigError(`auth.signingKid ${JSON.stringify(auth.signingKid)} is not in auth.keys`, 'config', 'auth.signingKid');
  const algorithms = [...new Set([...keys.values()].map((key) => key.algorithm))];
  return {
    signing,
    algorithms,
    verificationKey(kid) {
      return typeof kid === 'string' ? keys.get(kid) : undefined;
    },
  };
}
