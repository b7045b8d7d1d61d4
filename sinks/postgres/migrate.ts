/**
 * Versioned PostgreSQL migrations for every Sawmill table outside the registry: the files
 * `sinks/postgres/migrations/NNNN_description.sql`, applied in order, each once, each in its own
 * transaction, recorded in `sawmill_migrations` with a checksum. Number ranges keep owners apart:
 * 0001-0099 sinks, 0100-0199 notifier, 0200-0299 api. `sawmill migrate` runs them, and every
 * service that owns tables runs them at start; concurrent runs serialise on an advisory lock.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';
import { SawmillError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';

// Advisory lock key that serialises concurrent migration runs (several services start at once).
const MIGRATION_LOCK = 0x5357_4d01;
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const DEFAULT_DIR = new URL('./migrations/', import.meta.url);

/** A migration file, parsed. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

/** Thrown when an applied migration's file changed, or the files are misnamed: the schema history no longer matches the code. */
export class MigrationError extends SawmillError {}

/** Reads the migration files of `dir` (default sinks/postgres/migrations), sorted by version; refuses misnamed files and duplicate versions. */
export async function loadMigrations(dir: URL | string = DEFAULT_DIR): Promise<Migration[]> {
  const path = dir instanceof URL ? fileURLToPath(dir) : dir;
  const names = (await readdir(path)).filter((name) => name.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const match = FILE_PATTERN.exec(name);
    if (match === null) throw new MigrationError(`migration file ${name} is not named NNNN_lowercase_description.sql`);
    const sql = await readFile(join(path, name), 'utf8');
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) throw new MigrationError(`two migration files have version ${match[1]}`);
    migrations.push({ version, name: match[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

/** Applies the migrations not yet applied, in order; returns the versions it applied. Throws MigrationError when an applied file was edited since. */
export async function runMigrations(pool: Pool, logger?: Logger, dir?: URL | string): Promise<number[]> {
  const migrations = await loadMigrations(dir);
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    // A session lock (not per transaction) so the whole run is serialised, while each file commits on its own.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS sawmill_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM sawmill_migrations');
    const done = new Map(rows.map((row) => [row.version, row.checksum]));
    for (const migration of migrations) {
      const checksum = done.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(`migration ${migration.version}_${migration.name} was edited after it was applied; add a new migration instead`);
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO sawmill_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new MigrationError(`migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.version);
      logger?.info({ version: migration.version, migration: migration.name }, 'migration applied');
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}
