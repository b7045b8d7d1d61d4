import type { RequestHandler } from 'express';
import { Passport } from 'passport';
import type { Pool } from 'pg';
import { ApiError, unauthorized } from '../http/api-error.js';
import { API_KEY_PREFIX, authenticateApiKey } from './api-keys.js';
import type { ApiConfig } from '../config.js';
import { createJwtStrategy } from './jwt-strategy.js';
import type { KeySet } from './key-set.js';
import { setPrincipal, type Principal } from './principal.js';

/**
 * Returns the middleware that authenticates a request from `Authorization: Bearer <token>`: an API
 * key (`smk_...`) is looked up by its hash, anything else goes through passport-jwt. Every failure
 * answers the same 401, so a client learns nothing about which check failed.
 */
export function createAuthenticate(options: { keySet: KeySet; auth: ApiConfig['auth']; pool: Pool }): RequestHandler {
  // Our own Passport instance: no process-global strategy registry shared with other apps in a test.
  const passport = new Passport();
  passport.use('jwt', createJwtStrategy(options.keySet, options.auth, options.pool));
  const jwtMiddleware = passport.initialize();

  return (req, res, next) => {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || header.length > 8192) return next(unauthorized());
    const match = /^Bearer ([^\s]+)$/.exec(header);
    if (match === null) return next(unauthorized());
    const token = match[1]!;
    if (token.startsWith(`${API_KEY_PREFIX}_`)) {
      authenticateApiKey(options.pool, token).then((principal) => {
        if (principal === undefined) return next(unauthorized());
        setPrincipal(res, principal);
        return next();
      }, next);
      return;
    }
    jwtMiddleware(req, res, () => {
      passport.authenticate('jwt', { session: false }, (error: unknown, user: Principal | false) => {
        if (error !== null && error !== undefined) return next(error instanceof ApiError ? error : new ApiError(503, 'unavailable', 'authentication is unavailable; try again later'));
        if (user === false || user === undefined) return next(unauthorized());
        setPrincipal(res, user);
        return next();
      })(req, res, next);
    });
  };
}
