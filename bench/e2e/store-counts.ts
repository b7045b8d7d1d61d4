/**
 * Counts one step's lines in both stores. OpenSearch holds the message text, so a step is counted
 * by its marker (`_count`, match_phrase on `message`). PostgreSQL's log_events holds metadata only
 * (event_id, ts, host, service, level, pattern_id, ...: no text), so a step is counted there by its
 * event-time window over the demo services: the bench is the only writer of those services, steps
 * are separated by a drain, and the generator stamps every line with its write time.
 */
import type { OpenSearchClient } from '../../lib/opensearch.js';
import type { PgPool } from '../../lib/postgres.js';
import { DEMO_SERVICE_NAMES } from '../generator/services.js';

/** What identifies one step's lines. */
export interface StepIdentity {
  /** The marker inside every line's message, e.g. `bench_step=e2e3f9a...`. */
  readonly tag: string;
  /** First and last event time the generator stamped, ms since the epoch. */
  readonly fromMs: number;
  readonly toMs: number;
}

/** Lines of the step found in each store. */
export interface StoreCounts {
  readonly openSearch: number;
  readonly postgres: number;
}

/** The time window of a step in PostgreSQL: second-precision formats floor their stamp, so the window starts at the whole second. */
export function postgresWindow(step: StepIdentity): { from: Date; to: Date } {
  return { from: new Date(Math.floor(step.fromMs / 1000) * 1000), to: new Date(step.toMs + 1) };
}

/** Counts the step in both stores at once. */
export async function countStep(client: OpenSearchClient, pool: PgPool, step: StepIdentity, indexPattern = 'sawmill-logs-*'): Promise<StoreCounts> {
  const window = postgresWindow(step);
  const [os, pg] = await Promise.all([
    client.count({
      index: indexPattern,
      ignore_unavailable: true,
      allow_no_indices: true,
      body: { query: { match_phrase: { message: step.tag } } },
    }),
    pool.query<{ n: string }>('SELECT count(*) AS n FROM log_events WHERE ts >= $1 AND ts < $2 AND service = ANY($3::text[])', [window.from, window.to, [...DEMO_SERVICE_NAMES]]),
  ]);
  return { openSearch: Number((os.body as { count: number }).count), postgres: Number(pg.rows[0]!.n) };
}
