/**
 * The canary's configuration: a strict zod schema (unknown keys refused, a description on every
 * key) loaded through lib/config.ts, `SAWMILL_CANARY__*` variables overlaying the file.
 */
import { z } from 'zod';

/**
 * How the line reaches the agent. One object with a `mode` rather than a union of two shapes, so
 * every key can also be set through an environment variable (lib/config.ts cannot descend into a union).
 */
const writeSchema = z
  .object({
    mode: z
      .enum(['file', 'http'])
      .default('file')
      .describe("file: append to `path`, which a file source of the agent tails; http: POST as NDJSON to the agent's HTTP push receiver at `url`"),
    path: z.string().startsWith('/').default('/var/lib/sawmill/canary/canary.log').describe('file mode: absolute path of the canary log file; created when missing'),
    maxFileBytes: z
      .number()
      .int()
      .min(4096)
      .max(1024 * 1024 * 1024)
      .default(10 * 1024 * 1024)
      .describe('file mode: when the file is larger than this, it is renamed to `<path>.1` (the agent follows renames) and a new one started'),
    url: z.string().url().optional().describe('http mode (required): URL of the receiver, e.g. http://127.0.0.1:9480/v1/logs'),
    token: z.string().min(16).optional().describe('http mode (required): bearer token the receiver accepts (one of its `tokens`)'),
    requestTimeoutMs: z.number().int().positive().max(300_000).default(10_000).describe('http mode: longest the push may take; the receiver answers once the line is durable'),
  })
  .strict()
  .prefault({})
  .describe('How the canary line enters the pipeline: through the agent, by file or HTTP push');

const opensearchSchema = z
  .object({
    node: z.string().url().default('http://127.0.0.1:9200').describe('OpenSearch base URL'),
    indexPattern: z.string().min(1).max(255).default('sawmill-logs-*').describe('Index pattern searched for the canary line'),
    requestTimeoutMs: z.number().int().positive().max(60_000).default(5_000).describe('Longest one search request may take'),
  })
  .strict()
  .prefault({})
  .describe('Where the canary line must become searchable');

/** The whole canary config. */
export const canaryConfigSchema = z
  .object({
    intervalMs: z.number().int().min(1_000).max(3_600_000).default(30_000).describe('Time between the starts of two probes (a probe that overruns delays the next, they never overlap)'),
    timeoutMs: z.number().int().min(1_000).max(3_600_000).default(120_000).describe('A line not searchable this long after its write counts as a timeout'),
    pollIntervalMs: z.number().int().min(50).max(60_000).default(500).describe('Pause between two searches for the line; bounds the resolution of the measurement'),
    service: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/).default('sawmill-canary').describe('`service` field of the canary line'),
    write: writeSchema,
    opensearch: opensearchSchema,
    metricsPort: z.number().int().min(0).max(65_535).default(9407).describe('Port of /metrics, /healthz and /readyz'),
    metricsHost: z.string().default('127.0.0.1').describe('Address of /metrics, /healthz and /readyz'),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.write.mode === 'http') {
      if (config.write.url === undefined) ctx.addIssue({ code: 'custom', path: ['write', 'url'], message: 'is required in http mode' });
      if (config.write.token === undefined) ctx.addIssue({ code: 'custom', path: ['write', 'token'], message: 'is required in http mode' });
    }
    if (config.pollIntervalMs >= config.timeoutMs) {
      ctx.addIssue({ code: 'custom', path: ['pollIntervalMs'], message: `must be below timeoutMs (${config.timeoutMs})` });
    }
  });

/** The canary config after validation and defaults. */
export type CanaryConfig = z.output<typeof canaryConfigSchema>;
/** How the canary writes its line. */
export type CanaryWriteConfig = CanaryConfig['write'];
