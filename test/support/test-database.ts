/**
 * Creates the PostgreSQL database an integration test points at, so a fresh server needs no
 * manual set-up; the tables themselves are each component's own migrations.
 */
import pg from 'pg';

/** Creates the database named in `url` through the `postgres` maintenance database when it is missing; an existing one is left alone. */
export async function ensureTestDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount !== 0) return;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } catch (error) {
      // Another test run may create it between our check and our CREATE: PostgreSQL reports
      // that as duplicate_database (42P04) or, when both race on the catalog, unique_violation (23505).
      const code = (error as { code?: unknown }).code;
      if (code !== '42P04' && code !== '23505') throw error;
    }
  } finally {
    await client.end();
  }
}
