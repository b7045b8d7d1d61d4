/**
 * Readiness of the PostgreSQL sink: the server answers and the sink's tables exist (the
 * migrations ran), so `/readyz` is only green when a write can succeed.
 */
import { ServiceUnavailableError } from '../../lib/errors.js';
import { checkPostgres } from '../../lib/postgres.js';
import type { PostgresStore } from './postgres-store.js';

/** Resolves when the store's database answers and has `log_events`; throws ServiceUnavailableError otherwise. */
export async function checkPostgresStore(store: PostgresStore): Promise<void> {
  await checkPostgres(store.pool);
  const { rows } = await store.pool.query<{ present: boolean }>("SELECT to_regclass('log_events') IS NOT NULL AS present");
  if (rows[0]?.present !== true) throw new ServiceUnavailableError('postgres has no log_events table yet (migrations not applied)', 'postgres');
}
