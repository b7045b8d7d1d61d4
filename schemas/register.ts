/**
 * Registers Sawmill's topic value schemas in a Confluent-compatible registry, one subject per
 * topic (`<topic>-value`, TopicNameStrategy), each pinned to a compatibility level (BACKWARD by
 * default). Idempotent: a schema already registered is found by lookup and left alone. A change the
 * level forbids is checked before anything is written (verbose compatibility check) and reported
 * with the fields that broke; nothing of that subject is registered then.
 *
 * Speaks the registry's REST API directly rather than through @kafkajs/confluent-schema-registry:
 * the client turns a refusal into a generic error and drops the registry's reasons, which are the
 * whole point of the message.
 */
import { InvalidInputError, RetriesExhaustedError, SawmillError, ServiceUnavailableError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { retry } from '../lib/retry.js';
import { formatRefusal } from './compatibility-message.js';
import { TOPIC_VALUE_SCHEMAS, topicValueSchema, type AvroTopic } from './log-schemas.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** One schema to register. */
export interface SchemaToRegister {
  /** Registry subject, e.g. `logs.raw-value`. */
  readonly subject: string;
  /** The Avro schema as JSON. */
  readonly schema: unknown;
  /** Where it came from, named in messages (e.g. `schemas/avro/raw-log-event.avsc`). */
  readonly file: string;
}

/** What happened to one subject. */
export type SubjectOutcome =
  | { readonly subject: string; readonly status: 'registered' | 'unchanged'; readonly id: number; readonly version: number }
  | { readonly subject: string; readonly status: 'incompatible'; readonly message: string };

/** Options of registerSchemas. */
export interface RegisterSchemasOptions {
  /** Base URL of the registry, e.g. `http://127.0.0.1:8081`. */
  readonly registryUrl: string;
  /** What to register, in order. */
  readonly schemas: readonly SchemaToRegister[];
  /** Level set on every subject before its schema is checked. Default BACKWARD. */
  readonly compatibility?: string;
  /** Longest wait for one registry request, ms. Default 10 000. */
  readonly requestTimeoutMs?: number;
  /** Retries of a request that failed to connect or got a 5xx. Default 5. */
  readonly retries?: number;
  readonly logger?: Logger;
}

/** The topic value schemas of schemas/log-schemas.ts as registrations under `<topic>-value`. */
export function topicSchemasToRegister(topics: readonly AvroTopic[] = Object.keys(TOPIC_VALUE_SCHEMAS) as AvroTopic[]): SchemaToRegister[] {
  return topics.map((topic) => ({ subject: `${topic}-value`, schema: topicValueSchema(topic), file: `schemas/avro/${TOPIC_VALUE_SCHEMAS[topic]}` }));
}

/**
 * Registers each schema under its subject at the given compatibility level; returns one outcome per
 * subject (an incompatible change is an outcome, not an exception, so every subject is reported).
 * Throws ServiceUnavailableError when the registry cannot be reached, InvalidInputError when it
 * refuses a request for another reason (e.g. an invalid schema).
 */
export async function registerSchemas(options: RegisterSchemasOptions): Promise<SubjectOutcome[]> {
  const client = new RegistryHttp(options);
  const level = options.compatibility ?? 'BACKWARD';
  const outcomes: SubjectOutcome[] = [];
  for (const entry of options.schemas) {
    const subject = encodeURIComponent(entry.subject);
    const body = { schemaType: 'AVRO', schema: JSON.stringify(entry.schema) };
    // The level first: the check below and the registration must both run at it.
    await client.request('PUT', `/config/${subject}`, { compatibility: level });
    const existing = await client.request('POST', `/subjects/${subject}`, body, [404]);
    if (existing.status === 200) {
      const found = existing.json as { id: number; version: number };
      outcomes.push({ subject: entry.subject, status: 'unchanged', id: found.id, version: found.version });
      options.logger?.info({ subject: entry.subject, schema_id: found.id, version: found.version }, 'schema already registered');
      continue;
    }
    const check = await client.request('POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, body, [404]);
    const verdict = check.json as { is_compatible?: boolean; messages?: string[] } | undefined;
    if (check.status === 200 && verdict?.is_compatible === false) {
      outcomes.push({ subject: entry.subject, status: 'incompatible', message: await refusal(client, entry, level, verdict.messages ?? []) });
      continue;
    }
    const registered = await client.request('POST', `/subjects/${subject}/versions`, body, [409]);
    if (registered.status === 409) {
      // Someone registered a newer version between the check and now; report what the registry said.
      const message = (registered.json as { message?: string } | undefined)?.message ?? '';
      const reasons = message.includes('details: ') ? message.slice(message.indexOf('details: ') + 9).split('; ') : [];
      outcomes.push({ subject: entry.subject, status: 'incompatible', message: await refusal(client, entry, level, reasons) });
      continue;
    }
    const { id } = registered.json as { id: number };
    const version = ((await client.request('POST', `/subjects/${subject}`, body)).json as { version: number }).version;
    outcomes.push({ subject: entry.subject, status: 'registered', id, version });
    options.logger?.info({ subject: entry.subject, schema_id: id, version }, 'schema registered');
  }
  return outcomes;
}

async function refusal(client: RegistryHttp, entry: SchemaToRegister, level: string, registryMessages: readonly string[]): Promise<string> {
  const latest = await client.request('GET', `/subjects/${encodeURIComponent(entry.subject)}/versions/latest`, undefined, [404]);
  const body = latest.json as { schema?: string; version?: number } | undefined;
  const known = latest.status === 200 && typeof body?.schema === 'string' && typeof body.version === 'number';
  return formatRefusal({
    subject: entry.subject,
    schemaFile: entry.file,
    level,
    registryMessages,
    candidate: entry.schema,
    ...(known ? { latest: { schema: JSON.parse(body.schema!) as unknown, version: body.version! } } : {}),
  });
}

interface HttpAnswer {
  status: number;
  json: unknown;
}

/** Minimal registry HTTP client: JSON in and out, retries on connection failures and 5xx only. */
class RegistryHttp {
  private readonly base: string;

  constructor(private readonly options: RegisterSchemasOptions) {
    this.base = options.registryUrl.replace(/\/+$/, '');
  }

  /** Sends one request; statuses in `accepted` (and 2xx) are answers, other 4xx throw InvalidInputError, 5xx and network errors retry then throw ServiceUnavailableError. */
  async request(method: string, path: string, body?: unknown, accepted: readonly number[] = []): Promise<HttpAnswer> {
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    try {
      return await this.attempts(method, path, body, accepted, timeoutMs);
    } catch (error) {
      // The caller wants to know what the registry said, not that a retry loop ended.
      if (error instanceof RetriesExhaustedError && error.cause instanceof SawmillError) throw error.cause;
      throw error;
    }
  }

  private attempts(method: string, path: string, body: unknown, accepted: readonly number[], timeoutMs: number): Promise<HttpAnswer> {
    return retry(
      async () => {
        let response: Response;
        try {
          response = await fetch(`${this.base}${path}`, {
            method,
            headers: { accept: CONTENT_TYPE, ...(body === undefined ? {} : { 'content-type': CONTENT_TYPE }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          throw new ServiceUnavailableError(`schema registry ${this.base} unreachable (${method} ${path}): ${(error as Error).message}`, 'schema-registry', error);
        }
        const text = await response.text();
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        if (response.ok || accepted.includes(response.status)) return { status: response.status, json };
        const message = (json as { message?: unknown } | undefined)?.message;
        const detail = typeof message === 'string' ? message : text.slice(0, 300);
        if (response.status >= 500) throw new ServiceUnavailableError(`schema registry ${method} ${path}: HTTP ${response.status}: ${detail}`, 'schema-registry');
        throw new InvalidInputError(`schema registry refused ${method} ${path}: HTTP ${response.status}: ${detail}`, 'registry-refused');
      },
      {
        retries: this.options.retries ?? 5,
        initialDelayMs: 200,
        maxDelayMs: 5_000,
        onRetry: ({ attempt, delayMs, error }) =>
          this.options.logger?.warn({ attempt, delay_ms: delayMs, err: (error as Error).message }, 'schema registry request failed; retrying'),
      },
    );
  }
}
