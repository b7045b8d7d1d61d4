import jwt from 'jsonwebtoken';
import { ExtractJwt, Strategy as JwtStrategy, type VerifiedCallback } from 'passport-jwt';
import type { Pool } from 'pg';
import type { ApiConfig } from '../config.js';
import type { KeySet } from './key-set.js';
import type { Principal } from './principal.js';
import { findUserById } from './user-store.js';

/** Longest bearer token looked at; a real one is under 1 KiB, a huge one is only parsing work for an attacker. */
export const MAX_TOKEN_LENGTH = 4096;

/**
 * Returns the passport-jwt strategy: the key comes from the key set by exact `kid` (a token without
 * a known kid, or whose `alg` is not that key's algorithm, fails before any signature check), the
 * verifier only accepts the key set's asymmetric algorithms, `iss` and `aud` must match, `exp` is
 * required, and the user must still exist and be enabled; the role is read from the database, so
 * a demotion applies to tokens already issued.
 */
export function createJwtStrategy(keySet: KeySet, auth: ApiConfig['auth'], pool: Pool): JwtStrategy {
  return new JwtStrategy(
    {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (_request, rawJwtToken, done) => {
        if (typeof rawJwtToken !== 'string' || rawJwtToken.length > MAX_TOKEN_LENGTH) return done(new Error('token too long'));
        const decoded = jwt.decode(rawJwtToken, { complete: true });
        if (decoded === null || typeof decoded !== 'object') return done(new Error('malformed token'));
        const key = keySet.verificationKey(decoded.header.kid);
        if (key === undefined) return done(new Error('unknown kid'));
        if (decoded.header.alg !== key.algorithm) return done(new Error('algorithm does not match the key'));
        // jsonwebtoken accepts a KeyObject at run time; the callback's type only names string | Buffer.
        return done(null, key.publicKey as unknown as string);
      },
      algorithms: [...keySet.algorithms],
      issuer: auth.issuer,
      audience: auth.audience,
      jsonWebTokenOptions: { clockTolerance: auth.clockToleranceSeconds, complete: false },
    },
    (payload: jwt.JwtPayload, done: VerifiedCallback) => {
      if (typeof payload.exp !== 'number' || typeof payload.sub !== 'string') {
        done(null, false, { message: 'token lacks exp or sub' });
        return;
      }
      findUserById(pool, payload.sub).then(
        (user) => {
          if (user === undefined || user.disabled) return done(null, false, { message: 'user unknown or disabled' });
          const principal: Principal = { kind: 'user', userId: user.id, username: user.username, role: user.role };
          return done(null, principal);
        },
        (error: unknown) => done(error as Error, false),
      );
    },
  );
}
