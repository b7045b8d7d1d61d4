/**
 * Readiness of the OpenSearch sink's store for `/readyz`: the cluster answers and is green or
 * yellow. A red or unreachable cluster fails the probe with the reason; the sink keeps running
 * (its batches wait in the runner's retry loop), it is just not ready.
 */
import { checkOpenSearchHealth, type OpenSearchClient } from '../../lib/opensearch.js';
import { ServiceUnavailableError } from '../../lib/errors.js';

/** Resolves when the cluster is green or yellow; throws ServiceUnavailableError with the reason otherwise. */
export async function checkOpenSearchReady(client: OpenSearchClient, { timeoutMs = 2_000 }: { timeoutMs?: number } = {}): Promise<void> {
  const health = await checkOpenSearchHealth(client, { timeoutMs });
  if (health.healthy) return;
  const why = health.status === 'unreachable' ? health.reason : `cluster ${health.clusterName} is red (${health.unassignedShards} unassigned shards)`;
  throw new ServiceUnavailableError(`opensearch not ready: ${why}`, 'opensearch');
}
