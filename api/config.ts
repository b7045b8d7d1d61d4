import { z } from 'zod';

const limitSchema = (points: number, durationSeconds: number, what: string) =>
  z
    .object({
      points: z.number().int().min(1).default(points).describe(`Requests allowed per window ${what}`),
      durationSeconds: z.number().int().min(1).default(durationSeconds).describe('Length of the window in seconds'),
    })
    .strict()
    .prefault({});

const signingKeySchema = z
  .object({
    kid: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, underscore and dash, at most 64')
      .describe('Key id put in the JWT header; only looked up in this list, never used as a path'),
    algorithm: z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'ES512']).describe('Signature algorithm of this key (asymmetric only)'),
    publicKeyPem: z.string().min(1).describe('PEM public key that verifies tokens carrying this kid'),
    privateKeyPem: z
      .string()
      .min(1)
      .optional()
      .describe('PEM private key; only the key named by auth.signingKid needs it (retired keys only verify)'),
  })
  .strict();

/**
 * Configuration of `sawmill api` (env prefix SAWMILL_API__): where it listens, the stores it reads,
 * the JWT key set, rate limits and request limits. Unknown keys are rejected.
 */
export const apiConfigSchema = z
  .object({
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(8080).describe('TCP port of the API; 0 picks a free port (tests)'),
        host: z.string().min(1).default('127.0.0.1').describe('Address to bind; 0.0.0.0 only behind a proxy or in a container'),
        trustedProxyHops: z
          .number()
          .int()
          .min(0)
          .max(10)
          .default(0)
          .describe('Reverse proxies in front of the API that append to X-Forwarded-For; 0 = use the socket address'),
        bodyLimitBytes: z.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024).describe('Largest JSON body accepted; larger gets 413'),
        requestTimeoutMs: z.number().int().min(1000).default(30_000).describe('Longest a request (except the live tail) may take'),
      })
      .strict()
      .prefault({}),
    postgresUrl: z.string().regex(/^postgres(ql)?:\/\//).default('postgres://postgres@127.0.0.1:5432/sawmill').describe('PostgreSQL URL (users, rules, alerts, stats)'),
    redisUrl: z.string().regex(/^rediss?:\/\//).default('redis://127.0.0.1:6379').describe('Redis URL of the shared rate limiter'),
    opensearchUrl: z.string().url().default('http://127.0.0.1:9200').describe('OpenSearch node holding the log indices'),
    registryUrl: z.string().url().default('http://127.0.0.1:8081').describe('Schema registry (Confluent API)'),
    kafkaBrokers: z.array(z.string()).min(1).default(['127.0.0.1:9092']).describe('Kafka bootstrap brokers host:port'),
    topics: z
      .object({
        alertRules: z.string().min(1).default('alert-rules').describe('Compacted topic the rules are published to'),
        logsEnriched: z.string().min(1).default('logs.enriched').describe('Topic the live tail reads'),
        logsDlq: z.string().min(1).default('logs.dlq').describe('Dead-letter topic shown and replayed'),
        replayTargets: z
          .array(z.string().min(1))
          .default(['logs.raw', 'logs.enriched'])
          .describe('Source topics a dead-letter replay may write to; a letter naming another topic (e.g. alert-rules) refuses the replay'),
      })
      .strict()
      .prefault({}),
    search: z
      .object({
        indexPrefix: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/).default('sawmill-logs-').describe('Prefix of the daily log indices; searched as <prefix>*'),
        maxPageSize: z.number().int().min(1).max(1000).default(500).describe('Largest `size` a search may ask for'),
        maxQueryLength: z.number().int().min(1).max(10_000).default(1000).describe('Longest free-text query accepted'),
        maxContextLines: z.number().int().min(1).max(500).default(100).describe('Most lines before or after a context request returns'),
      })
      .strict()
      .prefault({}),
    stats: z
      .object({
        windowSizeMs: z.number().int().min(1000).default(60_000).describe('Window size of the stats_windowed rows the statistics read (one of the pipeline window sizes)'),
        maxBuckets: z.number().int().min(10).max(100_000).default(2000).describe('Most time buckets one statistics answer may have'),
        maxRangeDays: z.number().int().min(1).max(3650).default(31).describe('Longest time range a statistics request may cover'),
      })
      .strict()
      .prefault({}),
    delivery: z
      .object({
        agentMetricsUrls: z.array(z.string().url()).max(100).default(['http://127.0.0.1:9405']).describe('Base URLs of the agents whose /metrics give the per-source read and acknowledged counts'),
        timeoutMs: z.number().int().min(100).max(30_000).default(3000).describe('Longest wait for one agent'),
      })
      .strict()
      .prefault({}),
    rules: z
      .object({
        windowSizesMs: z.array(z.number().int().min(1000)).min(1).default([10_000, 60_000]).describe('Window sizes the pipeline counts; a rule must use one of them'),
        publishTimeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('Longest a rule write waits for Kafka before it answers 503 and rolls back'),
        maxBacktestHours: z.number().int().min(1).max(24 * 31).default(7 * 24).describe('Longest history a backtest may replay'),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        issuer: z.string().min(1).default('sawmill').describe('`iss` of issued tokens; required on verify'),
        audience: z.string().min(1).default('sawmill-api').describe('`aud` of issued tokens; required on verify'),
        accessTokenTtlSeconds: z.number().int().min(30).max(86_400).default(900).describe('Lifetime of an access token'),
        refreshTokenTtlSeconds: z.number().int().min(60).max(90 * 86_400).default(14 * 86_400).describe('Lifetime of a refresh token family member'),
        clockToleranceSeconds: z.number().int().min(0).max(300).default(5).describe('Allowed clock skew on exp and nbf'),
        signingKid: z.string().min(1).describe('kid of the key that signs new tokens (must have a private key)'),
        keys: z.array(signingKeySchema).min(1).describe('The key set; old keys stay listed (public only) until their tokens expired'),
        cursorSecret: z.string().min(16).describe('HMAC secret that signs search_after cursors so they cannot be tampered with'),
      })
      .strict(),
    rateLimit: z
      .object({
        keyPrefix: z.string().min(1).default('sawmill:api:rl:').describe('Redis key prefix of the limiter counters'),
        perClient: limitSchema(600, 60, 'per client address'),
        perPrincipal: limitSchema(300, 60, 'per user or API key'),
        login: limitSchema(10, 300, 'of login attempts per client address and per username'),
      })
      .strict()
      .prefault({}),
    tail: z
      .object({
        enabled: z.boolean().default(true).describe('Run the logs.enriched consumer that feeds /api/v1/logs/tail'),
        maxPerUser: z.number().int().min(1).max(100).default(3).describe('Live tail streams one principal may hold open'),
        maxPendingBytes: z.number().int().min(1024).default(1024 * 1024).describe('Bytes buffered for one slow client before events are skipped'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .describe('REST API: search, stats, alert rules, alerts and schemas, with JWT auth and shared rate limits');

/** The API configuration after defaults are filled in. */
export type ApiConfig = z.output<typeof apiConfigSchema>;
