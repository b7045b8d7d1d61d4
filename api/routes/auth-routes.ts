import { z } from 'zod';
import { recordAudit } from '../audit/audit-log.js';
import { issueAccessToken } from '../auth/access-tokens.js';
import { MAX_PASSWORD_LENGTH, verifyPassword } from '../auth/passwords.js';
import { issueRefreshToken, revokeRefreshFamily, rotateRefreshToken } from '../auth/refresh-tokens.js';
import { findUserById, findUserByName } from '../auth/user-store.js';
import { ApiError, unauthorized } from '../http/api-error.js';
import { errorBodySchema, protectedErrors, roleSchema } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import type { RouteDeps } from './route-deps.js';

const loginBody = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  })
  .strict();

const refreshBody = z.object({ refreshToken: z.string().min(1).max(200) }).strict();

/** Answer of login and refresh. */
export const tokenPairSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  refreshToken: z.string(),
});

/** A user as the API shows it. */
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const meSchema = z.object({ kind: z.enum(['user', 'api-key']), userId: z.string(), username: z.string(), role: roleSchema, apiKeyId: z.string().optional() });

/** Login, refresh, logout and who-am-i. */
export function registerAuthRoutes(routes: RouteTable, deps: RouteDeps): void {
  const { pool, config, keySet, rateLimits } = deps;
  const unauthorizedAnswer = { description: 'Wrong credentials', schema: errorBodySchema };

  routes.add(
    {
      method: 'post',
      path: '/api/v1/auth/login',
      summary: 'Exchange username and password for an access token and a refresh token',
      tag: 'auth',
      access: 'public',
      body: loginBody,
      responses: { 200: { description: 'Tokens', schema: tokenPairSchema }, 400: protectedErrors[400], 401: unauthorizedAnswer, 429: protectedErrors[429] },
    },
    async ({ body, res }) => {
      // Counted before the password check, so guessing costs budget whether or not it succeeds.
      await rateLimits.consumeLogin(String(res.locals['clientAddress']), body.username);
      const user = await findUserByName(pool, body.username.toLowerCase());
      const ok = await verifyPassword(user?.passwordHash, body.password);
      if (user === undefined || !ok || user.disabled) throw new ApiError(401, 'unauthorized', 'wrong username or password');
      await rateLimits.loginSucceeded(String(res.locals['clientAddress']), body.username);
      const refresh = await issueRefreshToken(pool, user.id, config.auth.refreshTokenTtlSeconds);
      return { ...issueAccessToken(keySet, config.auth, user), refreshToken: refresh.token };
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/v1/auth/refresh',
      summary: 'Rotate a refresh token: returns a new access token and a new refresh token; reusing an old one revokes the family',
      tag: 'auth',
      access: 'public',
      body: refreshBody,
      responses: { 200: { description: 'Tokens', schema: tokenPairSchema }, 400: protectedErrors[400], 401: unauthorizedAnswer, 429: protectedErrors[429] },
    },
    async ({ body }) => {
      const result = await rotateRefreshToken(pool, body.refreshToken, config.auth.refreshTokenTtlSeconds);
      if (!result.ok) {
        if (result.reason === 'reused') {
          deps.logger.warn({ reason: result.reason }, 'refresh token reused; its family was revoked');
          await recordAudit(pool, { actor: 'system', action: 'refresh.reuse-detected', targetType: 'user', targetId: 'unknown' }).catch(() => undefined);
        }
        throw unauthorized('refresh token is not valid');
      }
      const user = await findUserById(pool, result.userId);
      if (user === undefined || user.disabled) throw unauthorized('refresh token is not valid');
      return { ...issueAccessToken(keySet, config.auth, user), refreshToken: result.token };
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/v1/auth/logout',
      summary: 'Revoke the refresh token family of the presented refresh token',
      tag: 'auth',
      access: 'public',
      body: refreshBody,
      successStatus: 204,
      responses: { 204: { description: 'Revoked (also for an unknown token)' }, 400: protectedErrors[400] },
    },
    async ({ body }) => {
      await revokeRefreshFamily(pool, body.refreshToken);
      return undefined;
    },
  );

  routes.add(
    {
      method: 'get',
      path: '/api/v1/auth/me',
      summary: 'Who the credentials belong to, and the effective role',
      tag: 'auth',
      access: 'viewer',
      responses: { 200: { description: 'The principal', schema: meSchema }, 401: protectedErrors[401], 429: protectedErrors[429] },
    },
    ({ principal }) => principal,
  );

}
