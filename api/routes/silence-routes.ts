import { z } from 'zod';
import { InvalidInputError } from '../../lib/errors.js';
import { compileMatchers, MAX_MATCHERS } from '../../notifier/silence-matcher.js';
import { recordAudit } from '../audit/audit-log.js';
import { principalKey } from '../auth/principal.js';
import { badRequest, notFound } from '../http/api-error.js';
import { protectedErrors, uuidParam } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import type { RouteDeps } from './route-deps.js';

const matcherSchema = z.object({ label: z.string().min(1).max(128), value: z.string().max(256), isRegex: z.boolean().default(false) }).strict();
const silenceBody = z
  .object({
    matchers: z.array(matcherSchema).min(1).max(MAX_MATCHERS),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }),
    comment: z.string().max(2000).default(''),
  })
  .strict();
const silenceSchema = z.object({ id: z.string(), matchers: z.array(matcherSchema), startsAt: z.string(), endsAt: z.string(), createdBy: z.string(), comment: z.string(), createdAt: z.string() });

interface SilenceRow {
  id: string;
  matchers: z.output<typeof matcherSchema>[];
  starts_at: Date;
  ends_at: Date;
  created_by: string;
  comment: string;
  created_at: Date;
}
const COLUMNS = 'id, matchers, starts_at, ends_at, created_by, comment, created_at';
const toSilence = (row: SilenceRow) => ({ id: row.id, matchers: row.matchers, startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString(), createdBy: row.created_by, comment: row.comment, createdAt: row.created_at.toISOString() });

/** Checks the body with the notifier's own matcher compiler (so the API never stores a silence the notifier would refuse) and the time order. */
function checkSilence(body: z.output<typeof silenceBody>): { startsAt: Date; endsAt: Date } {
  try {
    compileMatchers(body.matchers);
  } catch (error) {
    if (error instanceof InvalidInputError) throw badRequest('invalid silence', [{ path: 'body.matchers', message: error.message }]);
    throw error;
  }
  const startsAt = body.startsAt === undefined ? new Date() : new Date(body.startsAt);
  const endsAt = new Date(body.endsAt);
  if (endsAt <= startsAt) throw badRequest('invalid silence', [{ path: 'body.endsAt', message: 'must be after startsAt' }]);
  if (endsAt.getTime() - startsAt.getTime() > 90 * 86_400_000) throw badRequest('invalid silence', [{ path: 'body.endsAt', message: 'a silence lasts at most 90 days' }]);
  return { startsAt, endsAt };
}

/** Silences CRUD on the notifier's `silences` table. */
export function registerSilenceRoutes(routes: RouteTable, deps: RouteDeps): void {
  const { pool } = deps;
  routes.add(
    {
      method: 'get',
      path: '/api/v1/silences',
      summary: 'List silences (active only unless all=true)',
      tag: 'silences',
      access: 'viewer',
      query: z.object({ all: z.enum(['true', 'false']).default('false') }).strict(),
      responses: { 200: { description: 'Silences', schema: z.object({ silences: z.array(silenceSchema) }) }, ...protectedErrors },
    },
    async ({ query }) => {
      const { rows } = await pool.query<SilenceRow>(`SELECT ${COLUMNS} FROM silences WHERE $1 OR ends_at > now() ORDER BY starts_at DESC, id LIMIT 1000`, [query.all === 'true']);
      return { silences: rows.map(toSilence) };
    },
  );
  routes.add(
    {
      method: 'post',
      path: '/api/v1/silences',
      summary: 'Create a silence: all matchers must match an alert label (isRegex: the notifier\'s safe pattern subset)',
      tag: 'silences',
      access: 'editor',
      body: silenceBody,
      successStatus: 201,
      responses: { 201: { description: 'Created', schema: silenceSchema }, ...protectedErrors },
    },
    async ({ body, principal }) => {
      const { startsAt, endsAt } = checkSilence(body);
      const { rows } = await pool.query<SilenceRow>(
        `INSERT INTO silences (matchers, starts_at, ends_at, created_by, comment) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [JSON.stringify(body.matchers), startsAt, endsAt, principal!.username, body.comment],
      );
      const silence = toSilence(rows[0]!);
      await recordAudit(pool, { actor: principalKey(principal!), action: 'silence.create', targetType: 'silence', targetId: silence.id, details: { matchers: body.matchers, endsAt: silence.endsAt } });
      return silence;
    },
  );
  routes.add(
    {
      method: 'put',
      path: '/api/v1/silences/:id',
      summary: 'Replace a silence',
      tag: 'silences',
      access: 'editor',
      params: uuidParam,
      body: silenceBody,
      responses: { 200: { description: 'Replaced', schema: silenceSchema }, 404: { description: 'No such silence' }, ...protectedErrors },
    },
    async ({ params, body, principal }) => {
      const { startsAt, endsAt } = checkSilence(body);
      const { rows } = await pool.query<SilenceRow>(
        `UPDATE silences SET matchers = $2, starts_at = $3, ends_at = $4, comment = $5 WHERE id = $1 RETURNING ${COLUMNS}`,
        [params.id, JSON.stringify(body.matchers), startsAt, endsAt, body.comment],
      );
      if (rows[0] === undefined) throw notFound('silence');
      await recordAudit(pool, { actor: principalKey(principal!), action: 'silence.update', targetType: 'silence', targetId: params.id, details: { matchers: body.matchers, endsAt: endsAt.toISOString() } });
      return toSilence(rows[0]);
    },
  );
  routes.add(
    { method: 'delete', path: '/api/v1/silences/:id', summary: 'Delete a silence', tag: 'silences', access: 'editor', params: uuidParam, successStatus: 204, responses: { 204: { description: 'Deleted' }, 404: { description: 'No such silence' }, ...protectedErrors } },
    async ({ params, principal }) => {
      const { rowCount } = await pool.query('DELETE FROM silences WHERE id = $1', [params.id]);
      if (rowCount !== 1) throw notFound('silence');
      await recordAudit(pool, { actor: principalKey(principal!), action: 'silence.delete', targetType: 'silence', targetId: params.id });
      return undefined;
    },
  );
}
