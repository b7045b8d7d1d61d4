import { z } from 'zod';
import { deliveryReport } from '../delivery/delivery-report.js';
import { protectedErrors } from '../http/common-schemas.js';
import type { RouteTable } from '../http/route-table.js';
import type { RouteDeps } from './route-deps.js';

const countsSchema = z.object({ read: z.number(), acknowledged: z.number(), spooled: z.number(), dropped: z.number(), truncated: z.number() });

/** Per-source delivery: agent counters against stored events. */
export function registerDeliveryRoutes(routes: RouteTable, deps: RouteDeps): void {
  routes.add(
    {
      method: 'get',
      path: '/api/v1/delivery',
      summary: 'Per source: lines read and acknowledged at the agents against events stored in OpenSearch',
      tag: 'delivery',
      access: 'viewer',
      responses: {
        200: {
          description: 'Report',
          schema: z.object({
            sources: z.array(z.object({ source: z.string(), agent: countsSchema.nullable(), storedOpenSearch: z.number(), notYetStored: z.number().nullable() })),
            agentsUnreachable: z.array(z.object({ url: z.string(), error: z.string() })),
          }),
        },
        ...protectedErrors,
        503: { description: 'Search unavailable' },
      },
    },
    () => deliveryReport({ opensearch: deps.opensearch, indexPrefix: deps.config.search.indexPrefix, agentUrls: deps.config.delivery.agentMetricsUrls, timeoutMs: deps.config.delivery.timeoutMs }),
  );
}
