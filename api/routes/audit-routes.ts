import { z } from 'zod';
import { listAudit } from '../audit/audit-log.js';
import { intParam, protectedErrors } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import type { RouteDeps } from './route-deps.js';

const entrySchema = z.object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), targetType: z.string(), targetId: z.string(), details: z.record(z.string(), z.unknown()) });

/** The audit log of user, key, rule, silence, alert and dead-letter changes (admins). */
export function registerAuditRoutes(routes: RouteTable, deps: RouteDeps): void {
  routes.add(
    {
      method: 'get',
      path: '/api/v1/audit',
      summary: 'Newest audit entries, optionally of one target type',
      tag: 'audit',
      access: 'admin',
      query: z.object({ targetType: z.enum(['user', 'api-key', 'rule', 'silence', 'alert', 'dead-letter']).optional(), limit: intParam(1, 1000).default(100) }).strict(),
      responses: { 200: { description: 'Entries, newest first', schema: z.object({ entries: z.array(entrySchema) }) }, ...protectedErrors },
    },
    async ({ query }) => ({ entries: await listAudit(deps.pool, { limit: query.limit, targetType: query.targetType }) }),
  );
}
