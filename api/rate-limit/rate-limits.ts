import type { RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../../lib/logger.js';
import { principalKey, principalOf } from '../auth/principal.js';
import type { ApiConfig } from '../config.js';
import { ApiError } from '../http/api-error.js';

/** The shared limiters: counters live in Redis, so every API instance enforces the same budget. */
export interface RateLimits {
  /** Per client address, on every /api request. */
  readonly limitClient: RequestHandler;
  /** Per authenticated user or API key (after authentication). */
  readonly limitPrincipal: RequestHandler;
  /** Login attempts: one point per attempt, both on the address and on the username tried. */
  consumeLogin(address: string, username: string): Promise<void>;
  /** After a successful login: clears the username budget and gives the address its point back, so only failures use up the budget. */
  loginSucceeded(address: string, username: string): Promise<void>;
}

/** Returns the limiters on `redis` with `rateLimit.keyPrefix`; a Redis outage answers 503 rather than letting traffic through unlimited. */
export function createRateLimits(options: { redis: Redis; config: ApiConfig['rateLimit']; logger: Logger }): RateLimits {
  const { redis, config, logger } = options;
  const make = (name: string, limit: { points: number; durationSeconds: number }): RateLimiterRedis =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.keyPrefix}${name}`,
      points: limit.points,
      duration: limit.durationSeconds,
      // While Redis reconnects, answer 503 at once instead of holding every request through the client's retries.
      rejectIfRedisNotReady: true,
    });
  const perClient = make('client', config.perClient);
  const perPrincipal = make('principal', config.perPrincipal);
  const loginAddress = make('login-addr', config.login);
  const loginUser = make('login-user', config.login);

  const consume = async (limiter: RateLimiterRedis, key: string, res?: Response): Promise<void> => {
    try {
      const result = await limiter.consume(key, 1);
      res?.setHeader('ratelimit-remaining', String(result.remainingPoints));
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        throw new ApiError(429, 'rate_limited', `too many requests; retry after ${seconds} s`, undefined, { 'retry-after': String(seconds) });
      }
      logger.warn({ err: error }, 'rate limiter unavailable');
      throw new ApiError(503, 'unavailable', 'rate limiter is unavailable; try again later', undefined, { 'retry-after': '5' });
    }
  };

  return {
    limitClient: (_req, res, next) => {
      consume(perClient, String(res.locals['clientAddress']), res).then(() => next(), next);
    },
    limitPrincipal: (_req, res, next) => {
      consume(perPrincipal, principalKey(principalOf(res)), res).then(() => next(), next);
    },
    async consumeLogin(address, username) {
      await consume(loginAddress, address);
      await consume(loginUser, username.toLowerCase());
    },
    async loginSucceeded(address, username) {
      await Promise.all([loginUser.delete(username.toLowerCase()), loginAddress.reward(address, 1)]).catch((error: unknown) => logger.warn({ err: error }, 'could not refund a login attempt'));
    },
  };
}
