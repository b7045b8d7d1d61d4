import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type avro from 'avsc';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.js';
import { metricName } from '../../lib/metrics.js';
import { canonicalizeAvro, type CanonicalSchema } from './canonical.js';
import { checkCompatibility, DEFAULT_COMPATIBILITY, type PreviousVersion } from './compatibility.js';
import { ErrorCode, RegistryError, schemaNotFound, subjectNotFound, versionNotFound } from './errors.js';
import { parseConfigRequest, parseSchemaId, parseSchemaRequest, parseSubject, parseVersion, queryFlag } from './params.js';
import type { NewSchema, RegistryStore, SchemaType, SubjectVersion } from './store.js';

/** Content type of every response, as Confluent's registry answers. */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** Request content types accepted for JSON bodies (Confluent's two, plus plain JSON). */
export const ACCEPTED_CONTENT_TYPES = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
];

/** Default request body limit: 1 MiB, far above any real schema. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Options of {@link createRegistryApp}. */
export interface RegistryAppOptions {
  /** Where subjects, versions, schemas and config live. */
  readonly store: RegistryStore;
  /** Structured logger (component `schema-registry`). */
  readonly logger: Logger;
  /** Largest accepted request body in bytes; larger ones get 413. Default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** When given, request metrics are recorded in it and it is served at `GET /metrics`. */
  readonly metrics?: Registry;
}

// Parsed schemas are immutable per global id, so they can be cached without invalidation.
const TYPE_CACHE_LIMIT = 1000;

/**
 * Returns the express app serving the Confluent Schema Registry REST subset used by
 * `@kafkajs/confluent-schema-registry` and kcat: subjects, versions, schemas by id,
 * compatibility config and checks, with Confluent's error bodies and codes.
 */
export function createRegistryApp({ store, logger, bodyLimitBytes = DEFAULT_BODY_LIMIT_BYTES, metrics }: RegistryAppOptions): Express {
  if (!store) throw new TypeError('createRegistryApp: store is required');
  if (!logger) throw new TypeError('createRegistryApp: logger is required');

  const typeCache = new Map<number, avro.Type>();
  function typeOf(version: SubjectVersion): avro.Type {
    let type = typeCache.get(version.id);
    if (!type) {
      type = canonicalizeAvro(version.schema).type;
      if (typeCache.size >= TYPE_CACHE_LIMIT) typeCache.clear();
      typeCache.set(version.id, type);
    }
    return type;
  }
  const previousOf = (versions: readonly SubjectVersion[]): PreviousVersion[] =>
    versions.map((version) => ({ version: version.version, type: typeOf(version) }));

  const app = express();
  app.disable('x-powered-by');
  app.set('json spaces', 0);

  const requestMetrics = metrics === undefined ? undefined : createRequestMetrics(metrics);
  if (metrics !== undefined) {
    // Before the content-type middleware: Prometheus expects its own text format here.
    app.get('/metrics', async (_req, res) => {
      res.type(metrics.contentType).send(await metrics.metrics());
    });
  }

  app.use((req, res, next) => {
    res.type(REGISTRY_CONTENT_TYPE);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // Status class and method only: subject names in labels would make cardinality unbounded.
      const labels = { method: req.method, status: `${Math.floor(res.statusCode / 100)}xx` };
      requestMetrics?.requests.inc(labels);
      requestMetrics?.duration.observe(labels, seconds);
      logger.debug({ method: req.method, path: req.path, status: res.statusCode, duration_ms: seconds * 1e3 }, 'request');
    });
    next();
  });

  // A body in another format would silently arrive as `undefined`; say what we expect instead.
  app.use((req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is(ACCEPTED_CONTENT_TYPES)) {
      next(
        new RegistryError(
          415,
          ErrorCode.unsupportedMediaType,
          `Unsupported Content-Type '${req.headers['content-type'] ?? '(none)'}'; send ${ACCEPTED_CONTENT_TYPES.join(', ')}.`,
        ),
      );
      return;
    }
    next();
  });
  app.use(express.json({ limit: bodyLimitBytes, type: ACCEPTED_CONTENT_TYPES }));

  app.get('/', (_req, res) => {
    res.json({});
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ok' });
    } catch (error) {
      logger.warn({ err: error }, 'readiness check failed: PostgreSQL unreachable');
      res.status(503).json({ error_code: ErrorCode.storeUnavailable, message: `PostgreSQL is not reachable: ${(error as Error).message}` });
    }
  });

  app.get('/schemas/types', (_req, res) => {
    res.json(['AVRO']);
  });

  app.get('/schemas/ids/:id', async (req, res) => {
    const id = parseSchemaId(req.params['id']);
    const found = await store.getSchemaById(id);
    if (!found) throw schemaNotFound(`Schema ${id} not found`);
    res.json(found.schemaType === 'AVRO' ? { schema: found.schema } : { schemaType: found.schemaType, schema: found.schema });
  });

  app.get('/schemas/ids/:id/schema', async (req, res) => {
    const id = parseSchemaId(req.params['id']);
    const found = await store.getSchemaById(id);
    if (!found) throw schemaNotFound(`Schema ${id} not found`);
    res.send(found.schema);
  });

  app.get('/schemas/ids/:id/versions', async (req, res) => {
    const id = parseSchemaId(req.params['id']);
    const versions = await store.subjectVersionsOfId(id, queryFlag(req.query['deleted']));
    if (versions.length === 0 && !(await store.getSchemaById(id))) throw schemaNotFound(`Schema ${id} not found`);
    res.json(versions);
  });

  app.get('/subjects', async (req, res) => {
    const prefix = typeof req.query['subjectPrefix'] === 'string' ? req.query['subjectPrefix'] : undefined;
    res.json(await store.listSubjects({ includeDeleted: queryFlag(req.query['deleted']), prefix }));
  });

  app.post('/subjects/:subject/versions', async (req, res) => {
    const subject = parseSubject(req.params['subject']);
    const request = parseSchemaRequest(req.body);
    const candidate = canonicalizeAvro(request.schema);
    const registration = await store.register(
      subject,
      toNewSchema(request.schemaType, candidate),
      (live, level) => {
        const result = checkCompatibility(candidate.type, previousOf(live), level);
        if (!result.compatible) {
          throw new RegistryError(
            409,
            ErrorCode.incompatibleSchema,
            `Schema being registered is incompatible with an earlier schema for subject '${subject}', details: ` +
              result.messages.join('; '),
          );
        }
      },
    );
    if (registration.created) {
      logger.info({ subject, version: registration.version, schema_id: registration.id }, 'schema registered');
    }
    res.json({ id: registration.id });
  });

  app.post('/subjects/:subject', async (req, res) => {
    const subject = parseSubject(req.params['subject']);
    const includeDeleted = queryFlag(req.query['deleted']);
    const request = parseSchemaRequest(req.body);
    const candidate = canonicalizeAvro(request.schema);
    const found = await store.findByFingerprint(subject, toNewSchema(request.schemaType, candidate), includeDeleted);
    if (!found) {
      if ((await store.listVersions(subject, includeDeleted)).length === 0) throw subjectNotFound(subject);
      throw schemaNotFound(`Schema not found under subject '${subject}'`);
    }
    res.json(versionBody(found));
  });

  app.get('/subjects/:subject/versions', async (req, res) => {
    const subject = parseSubject(req.params['subject']);
    const versions = await store.listVersions(subject, queryFlag(req.query['deleted']));
    if (versions.length === 0) throw subjectNotFound(subject);
    res.json(versions);
  });

  async function findVersion(req: Request): Promise<SubjectVersion> {
    const subject = parseSubject(req.params['subject']);
    const version = parseVersion(req.params['version']);
    const includeDeleted = queryFlag(req.query['deleted']);
    const found = await store.getVersion(subject, version, includeDeleted);
    if (found) return found;
    if ((await store.listVersions(subject, includeDeleted)).length === 0) throw subjectNotFound(subject);
    throw versionNotFound(subject, version);
  }

  app.get('/subjects/:subject/versions/:version', async (req, res) => {
    res.json(versionBody(await findVersion(req)));
  });

  app.get('/subjects/:subject/versions/:version/schema', async (req, res) => {
    res.send((await findVersion(req)).schema);
  });

  app.delete('/subjects/:subject', async (req, res) => {
    const subject = parseSubject(req.params['subject']);
    const permanent = queryFlag(req.query['permanent']);
    const versions = await store.deleteSubject(subject, permanent);
    logger.info({ subject, versions, permanent }, 'subject deleted');
    res.json(versions);
  });

  app.delete('/subjects/:subject/versions/:version', async (req, res) => {
    const subject = parseSubject(req.params['subject']);
    const version = parseVersion(req.params['version']);
    const permanent = queryFlag(req.query['permanent']);
    const deleted = await store.deleteVersion(subject, version, permanent);
    logger.info({ subject, version: deleted, permanent }, 'subject version deleted');
    res.json(deleted);
  });

  app.get('/config', async (_req, res) => {
    res.json({ compatibilityLevel: (await store.getConfig(null)) ?? DEFAULT_COMPATIBILITY });
  });

  app.put('/config', async (req, res) => {
    const level = parseConfigRequest(req.body);
    await store.setConfig(null, level);
    logger.info({ compatibility: level }, 'global compatibility level set');
    res.json({ compatibility: level });
  });

  app.get('/config/:subject', async (req, res) => {
    const subject = parseSubject(req.params['subject']);
    const own = await store.getConfig(subject);
    if (own) {
      res.json({ compatibilityLevel: own });
      return;
    }
    if (queryFlag(req.query['defaultToGlobal'])) {
      res.json({ compatibilityLevel: (await store.getConfig(null)) ?? DEFAULT_COMPATIBILITY });
      return;
    }
    // kafkajs' register() relies on this 404 to recognise a first registration.
    throw subjectConfigNotFound(subject);
  });

  app.put('/config/:subject', async (req, res) => {
    const subject = parseSubject(req.params['subject']);
    const level = parseConfigRequest(req.body);
    await store.setConfig(subject, level);
    logger.info({ subject, compatibility: level }, 'subject compatibility level set');
    res.json({ compatibility: level });
  });

  app.delete('/config/:subject', async (req, res) => {
    const subject = parseSubject(req.params['subject']);
    const removed = await store.deleteConfig(subject);
    if (!removed) throw subjectConfigNotFound(subject);
    res.json({ compatibilityLevel: removed });
  });

  async function compatibilityCheck(req: Request, res: Response, versionParam: string | undefined): Promise<void> {
    const subject = parseSubject(req.params['subject']);
    const version = versionParam === undefined ? undefined : parseVersion(versionParam);
    const candidate = canonicalizeAvro(parseSchemaRequest(req.body).schema);
    const live = await store.versions(subject, false);
    if (version !== undefined && live.length === 0) throw subjectNotFound(subject);
    let against = live;
    const level = await store.effectiveConfig(subject);
    if (typeof version === 'number') {
      const target = live.find((row) => row.version === version);
      if (!target) throw versionNotFound(subject, version);
      against = [target];
    }
    const result = checkCompatibility(candidate.type, previousOf(against), level);
    res.json(queryFlag(req.query['verbose']) ? { is_compatible: result.compatible, messages: result.messages } : { is_compatible: result.compatible });
  }

  app.post('/compatibility/subjects/:subject/versions/:version', (req, res) => compatibilityCheck(req, res, String(req.params['version'])));
  app.post('/compatibility/subjects/:subject/versions', (req, res) => compatibilityCheck(req, res, undefined));

  app.use((req, res) => {
    res.status(404).json({ error_code: ErrorCode.routeNotFound, message: `HTTP 404 Not Found: no route for ${req.method} ${req.path}` });
  });

  app.use(errorHandler(logger, bodyLimitBytes));
  return app;
}

function toNewSchema(schemaType: SchemaType, candidate: CanonicalSchema): NewSchema {
  return { schemaType, canonical: candidate.canonical, fingerprint: candidate.fingerprint };
}

function versionBody(version: SubjectVersion): Record<string, unknown> {
  const body: Record<string, unknown> = { subject: version.subject, version: version.version, id: version.id };
  // Confluent omits schemaType for AVRO; clients read its absence as AVRO.
  if (version.schemaType !== 'AVRO') body['schemaType'] = version.schemaType;
  body['schema'] = version.schema;
  return body;
}

function subjectConfigNotFound(subject: string): RegistryError {
  return new RegistryError(
    404,
    ErrorCode.subjectConfigNotFound,
    `Subject '${subject}' does not have subject-level compatibility configured`,
  );
}

interface HttpishError {
  type?: unknown;
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

// Maps every error to a Confluent-style body; unknown errors become 500 without internals.
function errorHandler(logger: Logger, bodyLimitBytes: number): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const send = (status: number, code: number, message: string): void => {
      res.status(status).type(REGISTRY_CONTENT_TYPE).json({ error_code: code, message });
    };
    if (error instanceof RegistryError) {
      if (error.httpStatus >= 500) logger.error({ err: error, path: req.path }, 'request failed');
      send(error.httpStatus, error.errorCode, error.message);
      return;
    }
    const e = (typeof error === 'object' && error !== null ? error : {}) as HttpishError;
    const message = typeof e.message === 'string' ? e.message : String(error);
    // body-parser and express report client mistakes with a `type` and/or a 4xx `status`.
    switch (e.type) {
      case 'entity.too.large':
        send(413, ErrorCode.payloadTooLarge, `Request body is larger than the limit of ${bodyLimitBytes} bytes.`);
        return;
      case 'entity.parse.failed':
        send(400, ErrorCode.badRequest, `Malformed JSON in request body: ${message}`);
        return;
      case 'charset.unsupported':
      case 'encoding.unsupported':
        send(415, ErrorCode.unsupportedMediaType, message);
        return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      send(e.status, e.status, message);
      return;
    }
    // pg reports SQLSTATE codes (5 characters) and socket errors (ECONNREFUSED, ...).
    if (typeof e.code === 'string' && /^([0-9A-Z]{5}|E[A-Z]+)$/.test(e.code)) {
      logger.error({ err: error, path: req.path }, 'PostgreSQL error');
      send(500, ErrorCode.storeError, `Error in the backend data store: ${message}`);
      return;
    }
    logger.error({ err: error, path: req.path }, 'unexpected error');
    send(500, 500, 'Internal server error');
  };
}

function createRequestMetrics(registry: Registry): { requests: Counter<'method' | 'status'>; duration: Histogram<'method' | 'status'> } {
  return {
    requests: new Counter({
      name: metricName('registry', 'http_requests_total'),
      help: 'HTTP requests answered by the schema registry, by method and status class.',
      labelNames: ['method', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: metricName('registry', 'http_request_duration_seconds'),
      help: 'Time to answer one schema registry request.',
      labelNames: ['method', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
