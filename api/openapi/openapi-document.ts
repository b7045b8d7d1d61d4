import { z } from 'zod';
import type { RouteSpec } from '../http/route-table.js';

/** An OpenAPI 3.1 document (JSON Schema 2020-12 inside, as zod emits it). */
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, OpenApiOperation>> };

/** One operation of the document. */
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  'x-sawmill-access': string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: 'path' | 'query'; required: boolean; schema: unknown }>;
  requestBody?: { required: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

/** Express path template to OpenAPI: `/logs/:id/context` → `/logs/{id}/context`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): OpenApiOperation['parameters'] {
  if (schema === undefined) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

/** Builds the document from the route specs: every registered route, its inputs from its zod schemas, its answers from its response schemas. */
export function buildOpenApiDocument(specs: readonly RouteSpec[], info: { title: string; version: string }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of specs) {
    const path = openApiPath(spec.path);
    const responses: OpenApiOperation['responses'] = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      const contentType = response.contentType ?? 'application/json';
      responses[status] = {
        description: response.description,
        ...(response.schema === undefined
          ? contentType === 'application/json'
            ? {}
            : { content: { [contentType]: { schema: { type: 'string' } } } }
          : { content: { [contentType]: { schema: jsonSchema(response.schema, 'output') } } }),
      };
    }
    const operation: OpenApiOperation = {
      operationId: `${spec.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, next: string | undefined) => (next ?? '').toUpperCase())}`,
      summary: spec.summary,
      tags: [spec.tag],
      'x-sawmill-access': spec.access,
      ...(spec.access === 'public' ? { security: [] } : {}),
      parameters: [...(parametersOf(spec.params, 'path') ?? []), ...(parametersOf(spec.query, 'query') ?? [])],
      ...(spec.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } }),
      responses,
    };
    (paths[path] ??= {})[spec.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'Sawmill REST API: log search, live tail, statistics, alert rules, alerts, silences. Authenticate with `Authorization: Bearer <JWT or API key>`.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A JWT from /api/v1/auth/login, or an API key (smk_...)' } } },
    paths,
  };
}
