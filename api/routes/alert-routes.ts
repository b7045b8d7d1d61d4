import { z } from 'zod';
import { notificationStatus } from '../../notifier/notification-status.js';
import { acknowledgeAlert, listAlertHistory, listAlertState } from '../alerts/alert-store.js';
import { recordAudit } from '../audit/audit-log.js';
import { principalKey } from '../auth/principal.js';
import { notFound } from '../http/api-error.js';
import { intParam, protectedErrors, timeParam } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import { logFilterShape } from '../logs/log-filters.js';
import type { RouteDeps } from './route-deps.js';

const severities = z
  .union([z.string().max(200), z.array(z.string().max(20)).max(3)])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((part) => part.trim()).filter((part) => part !== ''))
  .pipe(z.array(z.enum(['INFO', 'WARNING', 'CRITICAL'])).max(3));
const fingerprintParam = z.object({ fingerprint: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'an alert fingerprint') }).strict();
const filterShape = { service: logFilterShape.service, severity: severities.optional(), ruleId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/).optional() };

const alertSchema = z.object({ fingerprint: z.string(), state: z.string(), ruleId: z.string(), ruleName: z.string(), severity: z.string(), service: z.string(), summary: z.string(), acknowledgedBy: z.string().nullable() }).loose();
const historySchema = z.object({ alertId: z.string(), fingerprint: z.string(), state: z.string(), eventTime: z.string() }).loose();

/** Active alerts, history, acknowledgement and the notifier's delivery status of an alert. */
export function registerAlertRoutes(routes: RouteTable, deps: RouteDeps): void {
  const { pool } = deps;
  routes.add(
    {
      method: 'get',
      path: '/api/v1/alerts/active',
      summary: 'Current alerts (FIRING unless state=RESOLVED), most severe first',
      tag: 'alerts',
      access: 'viewer',
      query: z.object({ ...filterShape, state: z.enum(['FIRING', 'RESOLVED']).default('FIRING'), limit: intParam(1, 1000).default(200) }).strict(),
      responses: { 200: { description: 'Alerts', schema: z.object({ alerts: z.array(alertSchema) }) }, ...protectedErrors },
    },
    async ({ query }) => ({ alerts: await listAlertState(pool, query, query.limit) }),
  );
  routes.add(
    {
      method: 'get',
      path: '/api/v1/alerts/history',
      summary: 'FIRING and RESOLVED transitions in a time range (default the last 24 hours), newest first',
      tag: 'alerts',
      access: 'viewer',
      query: z.object({ ...filterShape, state: z.enum(['FIRING', 'RESOLVED']).optional(), from: timeParam.optional(), to: timeParam.optional(), limit: intParam(1, 1000).default(200) }).strict(),
      responses: { 200: { description: 'Transitions', schema: z.object({ events: z.array(historySchema) }) }, ...protectedErrors },
    },
    async ({ query }) => {
      const toMs = query.to ?? Date.now();
      const fromMs = query.from ?? toMs - 86_400_000;
      return { events: await listAlertHistory(pool, { ...query, fromMs, toMs }, query.limit) };
    },
  );
  routes.add(
    {
      method: 'post',
      path: '/api/v1/alerts/:fingerprint/acknowledge',
      summary: 'Acknowledge a firing alert',
      tag: 'alerts',
      access: 'editor',
      params: fingerprintParam,
      successStatus: 204,
      responses: { 204: { description: 'Acknowledged' }, 404: { description: 'No firing alert with this fingerprint' }, ...protectedErrors },
    },
    async ({ params, principal }) => {
      if (!(await acknowledgeAlert(pool, params.fingerprint, principal!.username))) throw notFound('firing alert');
      await recordAudit(pool, { actor: principalKey(principal!), action: 'alert.acknowledge', targetType: 'alert', targetId: params.fingerprint });
      return undefined;
    },
  );
  routes.add(
    {
      method: 'get',
      path: '/api/v1/alerts/:fingerprint/notifications',
      summary: "The notifier's delivery status of an alert (every notice per channel)",
      tag: 'alerts',
      access: 'viewer',
      params: fingerprintParam,
      responses: { 200: { description: 'Status', schema: z.object({ fingerprint: z.string(), silenced: z.boolean(), notices: z.array(z.unknown()) }).loose() }, ...protectedErrors },
    },
    async ({ params }) => notificationStatus(pool, params.fingerprint),
  );
}
