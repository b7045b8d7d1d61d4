/**
 * Starts real `sawmill api` servers for the api-*.test.ts suites: a database of their own (with
 * every migration applied), a Redis key prefix and an OpenSearch index prefix of their own, RSA and
 * EC key pairs, and a first admin. Requests go over real HTTP to the listening server.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createMetrics } from '../../lib/metrics.js';
import { createOpenSearchClient, type OpenSearchClient } from '../../lib/opensearch.js';
import { runMigrations } from '../../sinks/postgres/migrate.js';
import { apiConfigSchema, type ApiConfig } from '../../api/config.js';
import { startApiServer, type ApiServer } from '../../api/server.js';
import { hashPassword } from '../../api/auth/passwords.js';
import { insertUser } from '../../api/auth/user-store.js';
import type { Role } from '../../api/auth/roles.js';
import { ensureTestDatabase } from '../support/test-database.js';

export const POSTGRES_BASE = process.env['POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';
export const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
export const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';

/** A key pair as PEM strings. */
export interface PemPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** Makes an RSA (2048) or EC (P-256) key pair. */
export function keyPair(kind: 'rsa' | 'ec'): PemPair {
  const pair = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** A test environment: database, prefixes, keys, and servers started on it. */
export interface ApiTestEnv {
  readonly id: string;
  readonly databaseUrl: string;
  readonly pool: pg.Pool;
  readonly redis: Redis;
  readonly opensearch: OpenSearchClient;
  readonly indexPrefix: string;
  readonly redisPrefix: string;
  readonly rsa: PemPair;
  readonly ec: PemPair;
  /** Builds a config for this environment with `overrides` merged in section by section. */
  config(overrides?: DeepPartial<ApiConfigInput>): ApiConfig;
  /** Starts a server (closed by `close()`). */
  start(overrides?: DeepPartial<ApiConfigInput>): Promise<ApiServer>;
  /** Adds a user directly in the database; returns its id. */
  addUser(username: string, password: string, role: Role): Promise<string>;
  close(): Promise<void>;
}

type ApiConfigInput = Parameters<typeof apiConfigSchema.parse>[0] & Record<string, unknown>;
type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> | T[K] : T[K] };

/** Creates the environment; every migration (the sinks' tables included) is applied to its database. */
export async function createApiTestEnv(): Promise<ApiTestEnv> {
  const id = randomBytes(4).toString('hex');
  const databaseUrl = new URL(POSTGRES_BASE);
  databaseUrl.pathname = `/sawmill_api_test_${id}`;
  await ensureTestDatabase(databaseUrl.toString());
  const pool = new pg.Pool({ connectionString: databaseUrl.toString(), max: 4 });
  await runMigrations(pool);
  const redis = new Redis(REDIS_URL);
  const opensearch = createOpenSearchClient({ node: OPENSEARCH_URL, logger: pino({ level: 'silent' }) });
  const indexPrefix = `sawmill-apitest-${id}-`;
  const redisPrefix = `sawmill:apitest:${id}:`;
  const rsa = keyPair('rsa');
  const ec = keyPair('ec');
  const servers: ApiServer[] = [];

  const config = (overrides: DeepPartial<ApiConfigInput> = {}): ApiConfig => {
    const base: Record<string, Record<string, unknown> | unknown> = {
      server: { port: 0 },
      postgresUrl: databaseUrl.toString(),
      redisUrl: REDIS_URL,
      opensearchUrl: OPENSEARCH_URL,
      registryUrl: REGISTRY_URL,
      kafkaBrokers: KAFKA_BROKERS,
      search: { indexPrefix },
      auth: {
        signingKid: 'rsa-2026',
        keys: [
          { kid: 'rsa-2026', algorithm: 'RS256', ...rsa },
          { kid: 'ec-2025', algorithm: 'ES256', publicKeyPem: ec.publicKeyPem },
        ],
        cursorSecret: `cursor-secret-${id}-0123456789`,
      },
      rateLimit: { keyPrefix: redisPrefix },
      tail: { enabled: false },
    };
    for (const [key, value] of Object.entries(overrides)) {
      const current = base[key];
      base[key] = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof current === 'object' && current !== null ? { ...current, ...value } : value;
    }
    return apiConfigSchema.parse(base);
  };

  return {
    id,
    databaseUrl: databaseUrl.toString(),
    pool,
    redis,
    opensearch,
    indexPrefix,
    redisPrefix,
    rsa,
    ec,
    config,
    async start(overrides) {
      const server = await startApiServer({ config: config(overrides), logger: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }), metrics: createMetrics({ component: 'api', defaultMetrics: false }) });
      servers.push(server);
      return server;
    },
    async addUser(username, password, role) {
      const user = await insertUser(pool, { username, passwordHash: await hashPassword(password), role });
      if (user === undefined) throw new Error(`user ${username} exists`);
      return user.id;
    },
    async close() {
      await Promise.all(servers.map((server) => server.close()));
      const keys = await redis.keys(`${redisPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await opensearch.indices.delete({ index: `${indexPrefix}*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
      await opensearch.close();
      await pool.end();
      const admin = new pg.Client({ connectionString: POSTGRES_BASE });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(`sawmill_api_test_${id}`)} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Result of an HTTP call: status, headers and the parsed JSON body (or the text when not JSON). */
export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** Sends one request to `base + path` with an optional bearer token and JSON body. */
export async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** Logs in and returns the access and refresh tokens; throws unless 200. */
export async function login(base: string, username: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
  const result = await call(base, 'POST', '/api/v1/auth/login', { body: { username, password } });
  if (result.status !== 200) throw new Error(`login of ${username} answered ${result.status}: ${result.text}`);
  return result.body as { accessToken: string; refreshToken: string };
}
