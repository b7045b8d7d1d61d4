import { z } from 'zod';
import { createPgPool } from '../../lib/postgres.js';
import { loadMigrations, runMigrations } from '../../sinks/postgres/migrate.js';
import { runCommand } from '../run-command.js';

/** Config of `sawmill migrate` (env prefix SAWMILL_MIGRATE__). */
export const migrateConfigSchema = z
  .object({
    postgresUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .default('postgres://postgres@127.0.0.1:5432/sawmill')
      .describe('Database to migrate, postgres://user[:password]@host[:port]/database'),
  })
  .strict();

/** `sawmill migrate`: applies the pending migrations of sinks/postgres/migrations in order and prints what it applied (one JSON line). */
export async function migrateCommand(options: { config?: string; list?: boolean }): Promise<void> {
  await runCommand({
    component: 'migrate',
    schema: migrateConfigSchema,
    configFile: options.config,
    body: async ({ config, logger }) => {
      if (options.list === true) {
        const all = await loadMigrations();
        process.stdout.write(`${JSON.stringify({ migrations: all.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`) })}\n`);
        return;
      }
      const pool = createPgPool({ url: config.postgresUrl, logger, applicationName: 'sawmill-migrate', max: 1 });
      try {
        const applied = await runMigrations(pool, logger);
        process.stdout.write(`${JSON.stringify({ applied })}\n`);
      } finally {
        await pool.end();
      }
    },
  });
}
