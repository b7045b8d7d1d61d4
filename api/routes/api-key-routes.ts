import { z } from 'zod';
import { recordAudit } from '../audit/audit-log.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.js';
import { principalKey } from '../auth/principal.js';
import { roleAtLeast } from '../auth/roles.js';
import { ApiError, notFound } from '../http/api-error.js';
import { protectedErrors, roleSchema } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import type { RouteDeps } from './route-deps.js';

const apiKeySchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  scope: roleSchema,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const createBody = z
  .object({
    name: z.string().min(1).max(100),
    scope: roleSchema.default('viewer'),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

/** API keys for scripts: each user manages their own; admins see everyone's. Keys cannot create keys. */
export function registerApiKeyRoutes(routes: RouteTable, deps: RouteDeps): void {
  const { pool } = deps;
  routes.add(
    { method: 'get', path: '/api/v1/api-keys', summary: 'List your API keys (admins: all keys)', tag: 'api-keys', access: 'viewer', responses: { 200: { description: 'Keys', schema: z.object({ keys: z.array(apiKeySchema) }) }, ...protectedErrors } },
    async ({ principal }) => ({ keys: await listApiKeys(pool, principal!.role === 'admin' ? undefined : principal!.userId) }),
  );
  routes.add(
    {
      method: 'post',
      path: '/api/v1/api-keys',
      summary: 'Create an API key; the token is shown once. Its scope cannot exceed your role.',
      tag: 'api-keys',
      access: 'viewer',
      body: createBody,
      successStatus: 201,
      responses: { 201: { description: 'Created', schema: z.object({ key: apiKeySchema, token: z.string() }) }, ...protectedErrors },
    },
    async ({ body, principal }) => {
      if (principal!.kind !== 'user') throw new ApiError(403, 'forbidden', 'an API key cannot create API keys');
      if (!roleAtLeast(principal!.role, body.scope)) throw new ApiError(403, 'forbidden', `scope ${body.scope} is above your role`);
      const expiresAt = body.expiresInDays === undefined ? null : new Date(Date.now() + body.expiresInDays * 86_400_000);
      const created = await createApiKey(pool, { userId: principal!.userId, name: body.name, scope: body.scope, expiresAt });
      await recordAudit(pool, { actor: principalKey(principal!), action: 'api-key.create', targetType: 'api-key', targetId: created.key.id, details: { name: body.name, scope: body.scope } });
      return created;
    },
  );
  routes.add(
    {
      method: 'delete',
      path: '/api/v1/api-keys/:id',
      summary: 'Revoke an API key',
      tag: 'api-keys',
      access: 'viewer',
      params: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/) }).strict(),
      successStatus: 204,
      responses: { 204: { description: 'Revoked' }, 404: { description: 'No such active key' }, ...protectedErrors },
    },
    async ({ params, principal }) => {
      const ok = await revokeApiKey(pool, params.id, principal!.role === 'admin' ? undefined : principal!.userId);
      if (!ok) throw notFound('api key');
      await recordAudit(pool, { actor: principalKey(principal!), action: 'api-key.revoke', targetType: 'api-key', targetId: params.id });
      return undefined;
    },
  );
}
