import { z } from 'zod';
import type { RouteTable } from '../http/route-table.js';
import { renderDocsPage, DOCS_PAGE_CSP } from '../openapi/docs-page.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../openapi/openapi-document.js';
import type { RouteDeps } from './route-deps.js';

/** The OpenAPI document and its rendered page; both list every route of the table, these two included. */
export function registerDocsRoutes(routes: RouteTable, _deps: RouteDeps): void {
  let cached: OpenApiDocument | undefined;
  // Built on first use, when every route is registered; routes never change afterwards.
  const doc = (): OpenApiDocument => (cached ??= buildOpenApiDocument(routes.specs, { title: 'Sawmill API', version: '1.0.0' }));
  routes.add(
    {
      method: 'get',
      path: '/api/v1/openapi.json',
      summary: 'This OpenAPI 3.1 document',
      tag: 'docs',
      access: 'public',
      responses: { 200: { description: 'The document', schema: z.object({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }).loose() } },
    },
    () => doc(),
  );
  routes.add(
    { method: 'get', path: '/api/docs', summary: 'The API documentation as a self-contained HTML page', tag: 'docs', access: 'public', responses: { 200: { description: 'HTML', contentType: 'text/html' } } },
    ({ res }) => {
      res.setHeader('content-security-policy', DOCS_PAGE_CSP);
      res.status(200).type('html').send(renderDocsPage(doc()));
      return undefined;
    },
  );
}
