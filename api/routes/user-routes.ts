import { z } from 'zod';
import { recordAudit } from '../audit/audit-log.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from '../auth/passwords.js';
import { principalKey } from '../auth/principal.js';
import { revokeUserRefreshTokens } from '../auth/refresh-tokens.js';
import { countOtherAdmins, deleteUser, findUserById, insertUser, listUsers, updateUser } from '../auth/user-store.js';
import { ApiError, conflict, notFound } from '../http/api-error.js';
import { protectedErrors, roleSchema, usernameSchema, uuidParam } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import { inTransaction } from '../db/transaction.js';
import { userSchema } from './auth-routes.js';
import type { RouteDeps } from './route-deps.js';

const passwordSchema = z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH);

const createBody = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema }).strict();
const adminUpdateBody = z
  .object({ role: roleSchema.optional(), disabled: z.boolean().optional(), password: passwordSchema.optional() })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'give at least one of role, disabled, password');
// Self-service: only the password. Unknown keys (a `role` a user hopes to grant themselves) are
// dropped, not refused, as the issue asks; only the fields below are ever read.
const selfUpdateBody = z.object({ currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH), newPassword: passwordSchema });

/** Admin user management and the self-service password change. */
export function registerUserRoutes(routes: RouteTable, deps: RouteDeps): void {
  const { pool } = deps;

  routes.add(
    { method: 'get', path: '/api/v1/users', summary: 'List users', tag: 'users', access: 'admin', responses: { 200: { description: 'Users', schema: z.object({ users: z.array(userSchema) }) }, ...protectedErrors } },
    async () => ({ users: await listUsers(pool) }),
  );

  routes.add(
    {
      method: 'post',
      path: '/api/v1/users',
      summary: 'Create a user',
      tag: 'users',
      access: 'admin',
      body: createBody,
      successStatus: 201,
      responses: { 201: { description: 'Created', schema: userSchema }, 409: { description: 'Username taken' }, ...protectedErrors },
    },
    async ({ body, principal }) =>
      inTransaction(pool, async (client) => {
        const user = await insertUser(client, { username: body.username, passwordHash: await hashPassword(body.password), role: body.role });
        if (user === undefined) throw conflict(`username ${body.username} is taken`);
        await recordAudit(client, { actor: principalKey(principal!), action: 'user.create', targetType: 'user', targetId: user.id, details: { username: user.username, role: user.role } });
        return user;
      }),
  );

  routes.add(
    {
      method: 'patch',
      path: '/api/v1/users/me',
      summary: 'Change your own password (any other field, such as role, is ignored)',
      tag: 'users',
      access: 'viewer',
      body: selfUpdateBody,
      responses: { 200: { description: 'Updated', schema: userSchema }, ...protectedErrors },
    },
    async ({ body, principal }) => {
      if (principal!.kind !== 'user') throw new ApiError(403, 'forbidden', 'API keys cannot change passwords');
      const current = await findUserById(pool, principal!.userId);
      if (current === undefined || !(await verifyPassword(current.passwordHash, body.currentPassword))) {
        throw new ApiError(403, 'forbidden', 'current password is wrong');
      }
      return inTransaction(pool, async (client) => {
        const user = await updateUser(client, current.id, { passwordHash: await hashPassword(body.newPassword) });
        await revokeUserRefreshTokens(client, current.id);
        await recordAudit(client, { actor: principalKey(principal!), action: 'user.password-change', targetType: 'user', targetId: current.id });
        return user;
      });
    },
  );

  routes.add(
    {
      method: 'patch',
      path: '/api/v1/users/:id',
      summary: 'Change a user: role, disabled, password',
      tag: 'users',
      access: 'admin',
      params: uuidParam,
      body: adminUpdateBody,
      responses: { 200: { description: 'Updated', schema: userSchema }, 404: { description: 'No such user' }, 409: { description: 'Would leave no enabled admin' }, ...protectedErrors },
    },
    async ({ params, body, principal }) =>
      inTransaction(pool, async (client) => {
        const existing = await findUserById(client, params.id);
        if (existing === undefined) throw notFound('user');
        const losesAdmin = existing.role === 'admin' && ((body.role !== undefined && body.role !== 'admin') || body.disabled === true);
        if (losesAdmin && (await countOtherAdmins(client, existing.id)) === 0) throw conflict('this is the last enabled admin');
        const user = await updateUser(client, params.id, {
          ...(body.role === undefined ? {} : { role: body.role }),
          ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
          ...(body.password === undefined ? {} : { passwordHash: await hashPassword(body.password) }),
        });
        if (body.password !== undefined || body.disabled === true || body.role !== undefined) await revokeUserRefreshTokens(client, params.id);
        await recordAudit(client, {
          actor: principalKey(principal!),
          action: 'user.update',
          targetType: 'user',
          targetId: params.id,
          details: { ...(body.role === undefined ? {} : { role: body.role }), ...(body.disabled === undefined ? {} : { disabled: body.disabled }), passwordChanged: body.password !== undefined },
        });
        return user;
      }),
  );

  routes.add(
    {
      method: 'delete',
      path: '/api/v1/users/:id',
      summary: 'Delete a user (with their API keys and refresh tokens)',
      tag: 'users',
      access: 'admin',
      params: uuidParam,
      successStatus: 204,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such user' }, 409: { description: 'Last admin' }, ...protectedErrors },
    },
    async ({ params, principal }) =>
      inTransaction(pool, async (client) => {
        const existing = await findUserById(client, params.id);
        if (existing === undefined) throw notFound('user');
        if (existing.role === 'admin' && (await countOtherAdmins(client, existing.id)) === 0) throw conflict('this is the last enabled admin');
        await deleteUser(client, params.id);
        await recordAudit(client, { actor: principalKey(principal!), action: 'user.delete', targetType: 'user', targetId: params.id, details: { username: existing.username } });
        return undefined;
      }),
  );
}
