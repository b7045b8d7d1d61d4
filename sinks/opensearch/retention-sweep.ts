/**
 * Retention without the ISM plugin: the sink itself deletes daily indices whose whole day is
 * older than `retentionDays`. Only names that are exactly `<prefix>-YYYY.MM.DD` are candidates,
 * so an index that merely shares the prefix is never deleted.
 */
import type { OpenSearchClient } from '../../lib/opensearch.js';
import { dailyIndexDay } from './index-name.js';

const DAY_MS = 86_400_000;

/** How many names go into one DELETE request (keeps the URL short). */
const DELETE_CHUNK = 50;

/** Options of the sweep. */
export interface RetentionSweepOptions {
  indexPrefix: string;
  retentionDays: number;
  /** The clock, for tests; default Date.now(). */
  nowMs?: number;
}

/**
 * Returns the indices of `names` to delete: daily indices of `indexPrefix` in which every event
 * (the day ends at midnight UTC) is older than `retentionDays` days at `nowMs`. Sorted, oldest first.
 */
export function selectExpiredIndices(names: readonly string[], { indexPrefix, retentionDays, nowMs = Date.now() }: RetentionSweepOptions): string[] {
  const cutoff = nowMs - retentionDays * DAY_MS;
  return names
    .filter((name) => {
      const day = dailyIndexDay(indexPrefix, name);
      return day !== undefined && day + DAY_MS <= cutoff;
    })
    .sort();
}

/** Lists the daily indices of the prefix, deletes the expired ones, and returns their names. */
export async function sweepExpiredIndices(client: OpenSearchClient, options: RetentionSweepOptions): Promise<string[]> {
  const { body } = await client.cat.indices({ index: `${options.indexPrefix}-*`, format: 'json', h: ['index'], expand_wildcards: 'all' });
  const names = (Array.isArray(body) ? (body as Array<{ index?: unknown }>) : [])
    .map((row) => row.index)
    .filter((name): name is string => typeof name === 'string');
  const expired = selectExpiredIndices(names, options);
  for (let i = 0; i < expired.length; i += DELETE_CHUNK) {
    const chunk = expired.slice(i, i + DELETE_CHUNK);
    // ignore_unavailable: another sink replica may have deleted some of them already.
    await client.indices.delete({ index: chunk.join(','), ignore_unavailable: true });
  }
  return expired;
}
