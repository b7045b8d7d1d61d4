/**
 * The one way Sawmill builds an OpenSearch client (`@opensearch-project/opensearch` v3):
 * options are validated before any connection is attempted, and nothing this module logs
 * carries a credential, whether it came in the node URL or in `auth`.
 */
import { Client, errors } from '@opensearch-project/opensearch';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { redactText } from './redact.js';

/** The client createOpenSearchClient returns: the official v3 client, typed per API. */
export type { Client as OpenSearchClient };

/** Options of createOpenSearchClient; only `node` is required. */
export interface OpenSearchClientOptions {
  /** Base URL of the node, or of several nodes of one cluster: `http(s)://[user:password@]host:port[/prefix]`. */
  node: string | string[];
  /** HTTP basic credentials, for when they are not part of the node URL (giving both is an error). */
  auth?: { username: string; password: string };
  /** Where log lines go; defaults to the `opensearch` component logger. */
  logger?: Logger;
  /** Milliseconds one HTTP request may take before it fails with a TimeoutError; default 30000. */
  requestTimeoutMs?: number;
  /**
   * Immediate retries the client itself makes on connection errors and 502/503/504; default 0,
   * because retries with backoff belong to the caller's lib/retry.ts loop.
   */
  maxRetries?: number;
  /** Gzip request bodies (worth it for large bulk requests over a network); default false. */
  compression?: boolean;
  /** Where these options came from, named in a ConfigError: a config file path, `environment`, ...; default `options`. */
  source?: string;
}

/** Defaults, filled in one place. */
const DEFAULTS = { requestTimeoutMs: 30_000, maxRetries: 0, compression: false } as const;

const nodeUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value itself may hold a password: name only what is wrong with it.
    ctx.addIssue({ code: 'custom', message: 'is not a valid URL (expected http(s)://host:port)' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `has protocol ${url.protocol} (expected http: or https:)` });
  }
  if (url.hostname === '') ctx.addIssue({ code: 'custom', message: 'has no host' });
  if (url.search !== '' || url.hash !== '') {
    ctx.addIssue({ code: 'custom', message: 'must not have a query string or fragment' });
  }
});

const optionsSchema = z.strictObject({
  node: z.union([nodeUrl, z.array(nodeUrl).min(1, 'must list at least one node URL')]),
  auth: z
    .strictObject({ username: z.string().min(1, 'must not be empty'), password: z.string() })
    .optional(),
  logger: z.custom<Logger>(
    (value) => typeof value === 'object' && value !== null && typeof (value as Logger).warn === 'function',
    'must be a pino logger',
  ).optional(),
  requestTimeoutMs: z.number().int().positive().max(3_600_000).optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  compression: z.boolean().optional(),
  source: z.string().optional(),
});

/** Returns `url` as `protocol//host[/path]`, without user or password, for log lines. */
function safeUrl(url: string | URL): string {
  try {
    const parsed = new URL(url.toString());
    const path = parsed.pathname === '/' ? '' : parsed.pathname;
    return `${parsed.protocol}//${parsed.host}${path}`;
  } catch {
    return redactText(String(url));
  }
}

/** The fields of an error that are safe to log: its class name and a credential-free message. */
function describeError(error: unknown): { error: string; message: string; statusCode?: number } {
  if (error instanceof errors.ResponseError) {
    return { error: error.name, message: redactText(error.message), statusCode: error.statusCode };
  }
  if (error instanceof Error) return { error: error.name, message: redactText(error.message) };
  return { error: typeof error, message: redactText(String(error)) };
}

/** Turns the first zod issue into a ConfigError naming the offending key, e.g. `node[1]`. */
function toConfigError(issues: z.core.$ZodIssue[], source: string): ConfigError {
  const issue = issues[0];
  if (issue === undefined) return new ConfigError('invalid OpenSearch client options', source, '');
  const key = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
  const message = issue.code === 'unrecognized_keys' ? issue.message : `${key || 'options'} ${issue.message}`;
  return new ConfigError(`invalid OpenSearch client options (${source}): ${message}`, source, key);
}

/**
 * Returns a client for the given node(s) after checking every option; throws ConfigError at once
 * (before any request) on a malformed URL, an unknown key or an out-of-range number.
 */
export function createOpenSearchClient(options: OpenSearchClientOptions): Client {
  const source = typeof options?.source === 'string' ? options.source : 'options';
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw toConfigError(parsed.error.issues, source);

  const nodes = Array.isArray(parsed.data.node) ? parsed.data.node : [parsed.data.node];
  if (parsed.data.auth !== undefined && nodes.some((node) => new URL(node).username !== '')) {
    throw new ConfigError(
      `invalid OpenSearch client options (${source}): credentials given both in the node URL and in auth`,
      source,
      'auth',
    );
  }

  const logger = parsed.data.logger ?? createLogger('opensearch');
  const requestTimeoutMs = parsed.data.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  const maxRetries = parsed.data.maxRetries ?? DEFAULTS.maxRetries;
  const compression = parsed.data.compression ?? DEFAULTS.compression;

  const client = new Client({
    node: nodes,
    requestTimeout: requestTimeoutMs,
    maxRetries,
    ...(compression ? { compression: 'gzip' as const } : {}),
    ...(parsed.data.auth === undefined ? {} : { auth: parsed.data.auth }),
  });

  // Only connection-level failures are worth a warning here: HTTP error answers (404 on an
  // existence check, 409 on a duplicate) are results the caller handles.
  client.on('response', (error, result) => {
    if (error === null || error instanceof errors.ResponseError) return;
    logger.warn(
      {
        ...describeError(error),
        method: result?.meta?.request?.params?.method,
        path: result?.meta?.request?.params?.path,
        node: result?.meta?.connection?.url === undefined ? undefined : safeUrl(result.meta.connection.url),
        attempts: result?.meta?.attempts,
      },
      'opensearch request failed',
    );
  });
  client.on('resurrect', (_error, event) => {
    logger.info({ node: safeUrl(event.connection.url), alive: event.isAlive }, 'opensearch node resurrect attempt');
  });

  // `auth` says only whether credentials are in use, never which.
  const auth = parsed.data.auth !== undefined || nodes.some((node) => new URL(node).username !== '');
  logger.info({ nodes: nodes.map(safeUrl), requestTimeoutMs, maxRetries, compression, auth }, 'opensearch client created');
  return client;
}

/** Health of the cluster as /readyz reports it: `healthy` is true for green and yellow. */
export type OpenSearchHealth =
  | {
      healthy: true;
      status: 'green' | 'yellow';
      clusterName: string;
      numberOfNodes: number;
      unassignedShards: number;
      latencyMs: number;
    }
  | {
      healthy: false;
      status: 'red';
      clusterName: string;
      numberOfNodes: number;
      unassignedShards: number;
      latencyMs: number;
    }
  | {
      healthy: false;
      status: 'unreachable';
      /** Why the cluster could not be asked: the error class and a credential-free message. */
      reason: string;
      latencyMs: number;
    };

/**
 * Asks the cluster for its health once (no retries, `timeoutMs` default 5000) and never throws:
 * an unreachable or failing cluster is reported as `status: 'unreachable'` with the reason.
 */
export async function checkOpenSearchHealth(
  client: Client,
  { timeoutMs = 5_000 }: { timeoutMs?: number } = {},
): Promise<OpenSearchHealth> {
  const started = performance.now();
  try {
    const { body } = await client.cluster.health({}, { requestTimeout: timeoutMs, maxRetries: 0 });
    const latencyMs = Math.round(performance.now() - started);
    const status = String(body.status).toLowerCase();
    const common = {
      clusterName: body.cluster_name,
      numberOfNodes: body.number_of_nodes,
      unassignedShards: body.unassigned_shards,
      latencyMs,
    };
    if (status === 'green' || status === 'yellow') return { healthy: true, status, ...common };
    return { healthy: false, status: 'red', ...common };
  } catch (error) {
    const { error: name, message, statusCode } = describeError(error);
    const reason = statusCode === undefined ? `${name}: ${message}` : `${name} (HTTP ${statusCode}): ${message}`;
    return { healthy: false, status: 'unreachable', reason, latencyMs: Math.round(performance.now() - started) };
  }
}
