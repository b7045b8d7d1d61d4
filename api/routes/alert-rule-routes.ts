import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withTimeout } from '../../lib/with-timeout.js';
import { ruleProblems } from '../../processors/anomaly/rule-validation.js';
import type { AlertRule } from '../../schemas/log-schemas.js';
import { backtestRule } from '../alert-rules/backtest.js';
import { ruleIdSchema, ruleInputSchema } from '../alert-rules/rule-schema.js';
import { toAlertRule, type RuleInput } from '../alert-rules/rule-schema.js';
import { deleteRule, findRule, insertRule, listRules, replaceRule } from '../alert-rules/rule-store.js';
import { loadStoredWindows } from '../alert-rules/stored-windows.js';
import { recordAudit } from '../audit/audit-log.js';
import { principalKey } from '../auth/principal.js';
import { inTransaction } from '../db/transaction.js';
import { ApiError, badRequest, conflict, notFound } from '../http/api-error.js';
import { protectedErrors } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import type { RouteDeps } from './route-deps.js';

const storedRuleSchema = z.object({ rule: z.record(z.string(), z.unknown()), version: z.number().int(), createdBy: z.string(), createdAt: z.string(), updatedAt: z.string() });
const episodeSchema = z.object({ service: z.string(), startedAtMs: z.number(), firedAtMs: z.number(), resolvedAtMs: z.number().nullable(), summary: z.string(), observedValue: z.number(), threshold: z.number() });
const MAX_BACKTEST_ROWS = 500_000;

/** Alert rule CRUD (PostgreSQL, then the alert-rules topic) and backtests over stored statistics. */
export function registerAlertRuleRoutes(routes: RouteTable, deps: RouteDeps): void {
  const { pool, config } = deps;
  const idParam = z.object({ id: ruleIdSchema }).strict();

  const semanticCheck = (rule: AlertRule): void => {
    const problems = ruleProblems(rule, config.rules.windowSizesMs);
    if (problems.length > 0) throw badRequest('invalid rule', problems.map((message) => ({ path: 'body', message })));
  };
  /**
   * Publishes inside the caller's transaction: when Kafka refuses or times out, the database change
   * rolls back too. (A send that times out here may still land later; the next write of the rule,
   * or a re-publish of the table, repairs that rare case.)
   */
  const publish = async (action: () => Promise<void>): Promise<void> => {
    if (deps.rulePublisher === undefined) throw new ApiError(503, 'unavailable', 'rule publishing is not configured');
    try {
      // The producer retries without end while Kafka is down; the request must not.
      await withTimeout(() => action(), config.rules.publishTimeoutMs);
    } catch (error) {
      deps.logger.warn({ err: error }, 'publishing to alert-rules failed');
      throw new ApiError(503, 'unavailable', 'kafka or the schema registry is unavailable; the rule was not changed');
    }
  };

  routes.add(
    {
      method: 'get',
      path: '/api/v1/alert-rules',
      summary: 'List alert rules',
      tag: 'alert-rules',
      access: 'viewer',
      query: z.object({ service: z.string().max(256).optional(), kind: z.enum(['ERROR_SPIKE', 'LATENCY_ANOMALY', 'THRESHOLD', 'ABSENCE']).optional() }).strict(),
      responses: { 200: { description: 'Rules', schema: z.object({ rules: z.array(storedRuleSchema) }) }, ...protectedErrors },
    },
    async ({ query }) => ({ rules: await listRules(pool, query) }),
  );

  routes.add(
    { method: 'get', path: '/api/v1/alert-rules/:id', summary: 'One alert rule', tag: 'alert-rules', access: 'viewer', params: idParam, responses: { 200: { description: 'The rule', schema: storedRuleSchema }, 404: { description: 'No such rule' }, ...protectedErrors } },
    async ({ params }) => {
      const stored = await findRule(pool, params.id);
      if (stored === undefined) throw notFound('alert rule');
      return stored;
    },
  );

  routes.add(
    {
      method: 'post',
      path: '/api/v1/alert-rules',
      summary: 'Create a rule: validated like the Avro AlertRule, stored, then published to alert-rules',
      tag: 'alert-rules',
      access: 'editor',
      body: ruleInputSchema,
      successStatus: 201,
      responses: { 201: { description: 'Created', schema: storedRuleSchema }, 409: { description: 'Id taken' }, 503: { description: 'Kafka unavailable; nothing stored' }, ...protectedErrors },
    },
    async ({ body, principal }) => {
      const rule = toAlertRule(body, body.id ?? randomUUID(), Date.now());
      semanticCheck(rule);
      return inTransaction(pool, async (client) => {
        const stored = await insertRule(client, rule, principalKey(principal!));
        if (stored === undefined) throw conflict(`rule ${rule.id} exists`);
        await recordAudit(client, { actor: principalKey(principal!), action: 'rule.create', targetType: 'rule', targetId: rule.id, details: { rule } });
        await publish(() => deps.rulePublisher!.publish(rule));
        return stored;
      });
    },
  );

  routes.add(
    {
      method: 'put',
      path: '/api/v1/alert-rules/:id',
      summary: 'Replace a rule (the body id, when given, must match the path)',
      tag: 'alert-rules',
      access: 'editor',
      params: idParam,
      body: ruleInputSchema,
      responses: { 200: { description: 'Replaced', schema: storedRuleSchema }, 404: { description: 'No such rule' }, 503: { description: 'Kafka unavailable; nothing changed' }, ...protectedErrors },
    },
    async ({ params, body, principal }) => {
      if (body.id !== undefined && body.id !== params.id) throw badRequest('invalid rule', [{ path: 'body.id', message: 'must match the id in the path' }]);
      const rule = toAlertRule(body as RuleInput, params.id, Date.now());
      semanticCheck(rule);
      return inTransaction(pool, async (client) => {
        const before = await findRule(client, params.id, true);
        if (before === undefined) throw notFound('alert rule');
        const stored = await replaceRule(client, rule);
        await recordAudit(client, { actor: principalKey(principal!), action: 'rule.update', targetType: 'rule', targetId: rule.id, details: { before: before.rule, after: rule } });
        await publish(() => deps.rulePublisher!.publish(rule));
        return stored;
      });
    },
  );

  routes.add(
    {
      method: 'delete',
      path: '/api/v1/alert-rules/:id',
      summary: 'Delete a rule: removed from PostgreSQL and a tombstone published to alert-rules',
      tag: 'alert-rules',
      access: 'editor',
      params: idParam,
      successStatus: 204,
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such rule' }, 503: { description: 'Kafka unavailable; nothing deleted' }, ...protectedErrors },
    },
    async ({ params, principal }) =>
      inTransaction(pool, async (client) => {
        const before = await findRule(client, params.id, true);
        if (before === undefined) throw notFound('alert rule');
        await deleteRule(client, params.id);
        await recordAudit(client, { actor: principalKey(principal!), action: 'rule.delete', targetType: 'rule', targetId: params.id, details: { before: before.rule } });
        await publish(() => deps.rulePublisher!.publishDelete(params.id));
        return undefined;
      }),
  );

  routes.add(
    {
      method: 'post',
      path: '/api/v1/alert-rules/:id/backtest',
      summary: 'Replay a stored rule over the stored window statistics of the last N hours and list when it would have fired',
      tag: 'alert-rules',
      access: 'viewer',
      params: idParam,
      body: z.object({ hours: z.number().int().min(1).max(config.rules.maxBacktestHours).default(24) }).strict(),
      responses: {
        200: { description: 'Episodes', schema: z.object({ ruleId: z.string(), fromMs: z.number(), toMs: z.number(), windowsEvaluated: z.number(), services: z.number(), episodes: z.array(episodeSchema) }) },
        404: { description: 'No such rule' },
        ...protectedErrors,
      },
    },
    async ({ params, body }) => {
      const stored = await findRule(pool, params.id);
      if (stored === undefined) throw notFound('alert rule');
      const toMs = Date.now();
      const fromMs = toMs - body.hours * 3_600_000;
      const windows = await loadStoredWindows(pool, { windowSizeMs: stored.rule.windowSizeMs, fromMs, toMs, service: stored.rule.service, maxRows: MAX_BACKTEST_ROWS });
      return { ruleId: params.id, fromMs, toMs, ...backtestRule(stored.rule, windows, toMs) };
    },
  );

}
