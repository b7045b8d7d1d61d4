import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ApiConfig } from '../config.js';
import type { KeySet } from './key-set.js';
import type { Role } from './roles.js';

/** A freshly signed access token and its lifetime. */
export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Signs a short-lived access token for a user with the key set's signing key (`kid` in the header; `iss`, `aud`, `exp`, `nbf`, `jti` set). */
export function issueAccessToken(keySet: KeySet, auth: ApiConfig['auth'], user: { id: string; username: string; role: Role }): AccessToken {
  const accessToken = jwt.sign({ username: user.username, role: user.role }, keySet.signing.privateKey, {
    algorithm: keySet.signing.algorithm,
    keyid: keySet.signing.kid,
    issuer: auth.issuer,
    audience: auth.audience,
    subject: user.id,
    expiresIn: auth.accessTokenTtlSeconds,
    notBefore: 0,
    jwtid: randomUUID(),
  });
  return { accessToken, tokenType: 'Bearer', expiresIn: auth.accessTokenTtlSeconds };
}
