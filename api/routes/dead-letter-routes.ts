import { z } from 'zod';
import { listDeadLetters, replayDeadLetters } from '../../sinks/runner/dead-letters.js';
import { recordAudit } from '../audit/audit-log.js';
import { principalKey } from '../auth/principal.js';
import { ApiError, badRequest, unavailable } from '../http/api-error.js';
import { intParam, protectedErrors } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import type { RouteDeps } from './route-deps.js';

const letterSchema = z.object({
  partition: z.number().int(),
  offset: z.string(),
  reason: z.string().nullable(),
  sourceTopic: z.string().nullable(),
  sourcePartition: z.number().int().nullable(),
  sourceOffset: z.string().nullable(),
  processor: z.string().nullable(),
  timestamp: z.string().nullable(),
  key: z.string().nullable(),
  valueBytes: z.number().int(),
});
const summarySchema = z.object({ scanned: z.number(), matched: z.number(), replayed: z.number(), skipped: z.number(), byTopic: z.record(z.string(), z.number()) });

/** Recent dead letters with their reasons, and replay (admins), through the sinks' dead-letter tools. */
export function registerDeadLetterRoutes(routes: RouteTable, deps: RouteDeps): void {
  const { config } = deps;
  const kafkaOf = () => {
    if (deps.kafka === undefined) throw unavailable('kafka');
    return deps.kafka;
  };
  const asUnavailable = (error: unknown): never => {
    if (error instanceof ApiError) throw error;
    deps.logger.warn({ err: error }, 'dead-letter topic unavailable');
    throw unavailable('kafka');
  };

  routes.add(
    {
      method: 'get',
      path: '/api/v1/dead-letters',
      summary: 'The newest dead letters (reason, origin, key, size; never the payload), oldest first',
      tag: 'dead-letters',
      access: 'viewer',
      query: z.object({ limit: intParam(1, 500).default(50) }).strict(),
      responses: { 200: { description: 'Dead letters', schema: z.object({ topic: z.string(), letters: z.array(letterSchema) }) }, ...protectedErrors, 503: { description: 'Kafka unavailable' } },
    },
    async ({ query }) => ({ topic: config.topics.logsDlq, letters: await listDeadLetters({ kafka: kafkaOf(), topic: config.topics.logsDlq, limit: query.limit }).catch(asUnavailable) }),
  );

  routes.add(
    {
      method: 'post',
      path: '/api/v1/dead-letters/replay',
      summary: 'Send matching dead letters back to their source topics (admins; the stores deduplicate on event id)',
      tag: 'dead-letters',
      access: 'admin',
      body: z.object({ reason: z.string().min(1).max(500).optional(), sinceMs: z.number().int().min(0).max(8.64e15).optional(), dryRun: z.boolean().default(true) }).strict(),
      responses: { 200: { description: 'What was replayed', schema: summarySchema }, ...protectedErrors, 503: { description: 'Kafka unavailable' } },
    },
    async ({ body, principal }) => {
      const options = {
        kafka: kafkaOf(),
        topic: config.topics.logsDlq,
        ...(body.reason === undefined ? {} : { reason: body.reason }),
        ...(body.sinceMs === undefined ? {} : { sinceMs: body.sinceMs }),
        logger: deps.logger,
      };
      // The target topic comes from a header anyone able to write to the DLQ controls: a dry run
      // first, and a refusal when any letter would land outside the allowlist (e.g. alert-rules).
      const preview = await replayDeadLetters({ ...options, dryRun: true }).catch(asUnavailable);
      const refused = Object.keys(preview.byTopic).filter((topic) => !config.topics.replayTargets.includes(topic));
      if (refused.length > 0) {
        throw badRequest('replay refused', [{ path: 'body', message: `matching letters name source topics outside the allowed targets: ${refused.join(', ')}; narrow the reason or since filter` }]);
      }
      const summary = body.dryRun ? preview : await replayDeadLetters({ ...options, dryRun: false }).catch(asUnavailable);
      await recordAudit(deps.pool, { actor: principalKey(principal!), action: body.dryRun ? 'dead-letter.replay-dry-run' : 'dead-letter.replay', targetType: 'dead-letter', targetId: config.topics.logsDlq, details: { ...body, ...summary } });
      return summary;
    },
  );
}
