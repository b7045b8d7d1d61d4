/**
 * The API under test, started in-process with `startApiServer` (what `sawmill api` runs) on the
 * bench database, the bench indices and a Redis key prefix of its own, plus a viewer created with
 * the API's own user store and logged in through POST /api/v1/auth/login.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { apiConfigSchema, type ApiConfig } from '../../api/config.js';
import { hashPassword } from '../../api/auth/passwords.js';
import { deleteUser, findUserByName, insertUser } from '../../api/auth/user-store.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import type { Logger } from '../../lib/logger.js';
import { createMetrics } from '../../lib/metrics.js';

/** A running bench API and the bearer token of its viewer. */
export interface BenchApi {
  readonly server: ApiServer;
  readonly config: ApiConfig;
  readonly token: string;
  close(): Promise<void>;
}

/** Options of startBenchApi. */
export interface BenchApiOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly opensearchUrl: string;
  /** The API's search prefix (`<sink prefix>-`): it searches `<searchPrefix>*`. */
  readonly searchPrefix: string;
  readonly logger: Logger;
}

const BENCH_USER = 'bench-viewer';
// The load would hit the production budgets (300/min per principal) within seconds; this run's
// config raises them for this process only (the defaults in api/config.ts stay as they are).
const BENCH_LIMIT = { points: 10_000_000, durationSeconds: 60 };

/** Builds the bench config: production defaults except the listed keys. */
export function benchApiConfig(options: Omit<BenchApiOptions, 'logger'>, runId: string): ApiConfig {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return apiConfigSchema.parse({
    server: { port: 0 },
    postgresUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    opensearchUrl: options.opensearchUrl,
    search: { indexPrefix: options.searchPrefix },
    auth: {
      signingKid: 'bench',
      keys: [
        {
          kid: 'bench',
          algorithm: 'ES256',
          publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      ],
      // Long enough that one token lasts the whole run.
      accessTokenTtlSeconds: 3600,
      cursorSecret: randomBytes(24).toString('hex'),
    },
    rateLimit: { keyPrefix: `sawmill:bench:api:${runId}:`, perClient: BENCH_LIMIT, perPrincipal: BENCH_LIMIT },
    // The live tail is not benched; it would only add a Kafka consumer to the process.
    tail: { enabled: false },
  });
}

/**
 * Waits (at most 10 s) until no query of the API is running. autocannon drops the connections of
 * requests still in flight when a run ends, but their handlers go on; closing the server would end
 * its pool under them and log errors that have nothing to do with the measurement.
 */
async function waitForIdleQueries(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'sawmill-bench-monitor' });
  await client.connect();
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'sawmill-api' AND state <> 'idle'",
      );
      if (rows[0]?.n === 0 || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
}

/** Starts the API, (re)creates the bench viewer with a fresh password, logs in; throws when login is not 200. */
export async function startBenchApi(options: BenchApiOptions): Promise<BenchApi> {
  const runId = randomBytes(4).toString('hex');
  const config = benchApiConfig(options, runId);
  const password = randomBytes(18).toString('base64url');
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 1 });
  try {
    const existing = await findUserByName(pool, BENCH_USER);
    if (existing !== undefined) await deleteUser(pool, existing.id);
    const user = await insertUser(pool, { username: BENCH_USER, passwordHash: await hashPassword(password), role: 'viewer' });
    if (user === undefined) throw new Error(`could not create user ${BENCH_USER}`);
  } finally {
    await pool.end();
  }
  const server = await startApiServer({ config, logger: options.logger, metrics: createMetrics({ component: 'api', defaultMetrics: false }) });
  try {
    const response = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: BENCH_USER, password }),
    });
    const body = (await response.json()) as { accessToken?: unknown };
    if (response.status !== 200 || typeof body.accessToken !== 'string') throw new Error(`login answered ${response.status}`);
    return {
      server,
      config,
      token: body.accessToken,
      async close() {
        await waitForIdleQueries(options.databaseUrl);
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
