import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { apiConfigSchema } from '../../api/config.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../api/auth/passwords.js';
import { isRole } from '../../api/auth/roles.js';
import { findUserByName, insertUser } from '../../api/auth/user-store.js';
import { recordAudit } from '../../api/audit/audit-log.js';
import { startApiServer } from '../../api/server.js';
import { createMetrics } from '../../lib/metrics.js';
import { createPgPool } from '../../lib/postgres.js';
import { runMigrations } from '../../sinks/postgres/migrate.js';
import { runCommand } from '../run-command.js';

/** `sawmill api`: applies the migrations, then serves the REST API until SIGTERM. */
export async function apiCommand(options: { config?: string }): Promise<void> {
  await runCommand({
    component: 'api',
    schema: apiConfigSchema,
    configFile: options.config,
    body: async ({ config, logger, shutdown }) => {
      const migrationPool = createPgPool({ url: config.postgresUrl, logger, applicationName: 'sawmill-api-migrate', max: 1 });
      try {
        await runMigrations(migrationPool, logger);
      } finally {
        await migrationPool.end();
      }
      const server = await startApiServer({ config, logger, metrics: createMetrics({ component: 'api' }) });
      shutdown.onShutdown('api server', () => server.close(), { timeoutMs: 15_000 });
    },
  });
}

const createUserSchema = z.object({ postgresUrl: z.string().regex(/^postgres(ql)?:\/\//).default('postgres://postgres@127.0.0.1:5432/sawmill').describe('PostgreSQL URL of the API tables') }).strict();

/**
 * `sawmill api create-user`: creates a user (the first admin, typically) directly in PostgreSQL.
 * The password comes from the file named by --password-file or the first line of stdin, never
 * from the command line (it would show in `ps` and the shell history).
 */
export async function apiCreateUserCommand(options: { username: string; role: string; passwordFile?: string; ifMissing?: boolean; postgresUrl?: string }): Promise<void> {
  const fail = (message: string): void => {
    process.stderr.write(`sawmill api create-user: ${message}\n`);
    process.exitCode = 2;
  };
  if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(options.username)) return fail('username must be 2-64 lower-case letters, digits, dot, underscore or dash');
  if (!isRole(options.role)) return fail('role must be viewer, editor or admin');
  const role = options.role;
  let password: string;
  try {
    password = (options.passwordFile === undefined ? readFileSync(0, 'utf8') : readFileSync(options.passwordFile, 'utf8')).split('\n')[0]!.replace(/\r$/, '');
  } catch (error) {
    return fail(`cannot read the password: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) return fail(`the password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  await runCommand({
    component: 'api',
    schema: createUserSchema,
    configFile: undefined,
    body: async ({ config, logger }) => {
      const pool = createPgPool({ url: options.postgresUrl ?? config.postgresUrl, logger, applicationName: 'sawmill-api-create-user', max: 1 });
      try {
        await runMigrations(pool, logger);
        if ((await findUserByName(pool, options.username)) !== undefined) {
          if (options.ifMissing === true) {
            process.stdout.write(`user ${options.username} exists; left unchanged\n`);
            return;
          }
          fail(`user ${options.username} exists`);
          return;
        }
        const user = await insertUser(pool, { username: options.username, passwordHash: await hashPassword(password), role });
        if (user === undefined) return fail(`user ${options.username} exists`);
        await recordAudit(pool, { actor: 'cli', action: 'user.create', targetType: 'user', targetId: user.id, details: { username: user.username, role } });
        process.stdout.write(`created ${role} ${user.username} (${user.id})\n`);
      } finally {
        await pool.end();
      }
    },
  });
}
