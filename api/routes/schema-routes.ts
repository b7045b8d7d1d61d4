import { z } from 'zod';
import { intParam, protectedErrors } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import { RegistryReader } from '../schemas/registry-reader.js';
import type { RouteDeps } from './route-deps.js';

const subjectSchema = z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'a subject name (letters, digits, dot, underscore, dash)');

/** Subjects and schema versions of the registry, read-only. */
export function registerSchemaRoutes(routes: RouteTable, deps: RouteDeps): void {
  const reader = new RegistryReader(deps.config.registryUrl, 5000);
  routes.add(
    { method: 'get', path: '/api/v1/schemas/subjects', summary: 'Registry subjects', tag: 'schemas', access: 'viewer', responses: { 200: { description: 'Subjects', schema: z.object({ subjects: z.array(z.string()) }) }, ...protectedErrors, 503: { description: 'Registry unavailable' } } },
    async () => ({ subjects: (await reader.subjects()).sort() }),
  );
  routes.add(
    {
      method: 'get',
      path: '/api/v1/schemas/subjects/:subject/versions',
      summary: 'Versions of a subject',
      tag: 'schemas',
      access: 'viewer',
      params: z.object({ subject: subjectSchema }).strict(),
      responses: { 200: { description: 'Versions', schema: z.object({ subject: z.string(), versions: z.array(z.number().int()) }) }, 404: { description: 'Unknown subject' }, ...protectedErrors },
    },
    async ({ params }) => ({ subject: params.subject, versions: await reader.versions(params.subject) }),
  );
  routes.add(
    {
      method: 'get',
      path: '/api/v1/schemas/subjects/:subject/versions/:version',
      summary: 'One schema version (a number or `latest`)',
      tag: 'schemas',
      access: 'viewer',
      params: z.object({ subject: subjectSchema, version: z.union([z.literal('latest'), intParam(1, 1_000_000)]) }).strict(),
      responses: { 200: { description: 'The schema', schema: z.object({ subject: z.string(), version: z.number().int(), id: z.number().int(), schema: z.unknown() }) }, 404: { description: 'Unknown subject or version' }, ...protectedErrors },
    },
    async ({ params }) => reader.version(params.subject, params.version),
  );
}
