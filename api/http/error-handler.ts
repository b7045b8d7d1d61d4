import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ServiceUnavailableError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { ApiError } from './api-error.js';

/** Body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details?: readonly { path: string; message: string }[] };
}

/**
 * True for failures of a store rather than of the request: ServiceUnavailableError, PostgreSQL
 * connection errors (class 08), statement timeouts and shutdowns (57), resource exhaustion (53),
 * and a pool with no free connection in time.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof ServiceUnavailableError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(08|57|53)[0-9A-Z]{3}$/.test(code)) return true;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated/i.test(message);
}

/** Final 404 for paths no route matched, as JSON. */
export function notFoundHandler(): RequestHandler {
  return (_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such route' } } satisfies ErrorBody);
  };
}

// body-parser marks its own errors with a `type`; these are the client's fault and safe to name.
const BODY_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  'entity.too.large': { status: 413, code: 'payload_too_large', message: 'request body is larger than the limit' },
  'entity.parse.failed': { status: 400, code: 'invalid_json', message: 'request body is not valid JSON' },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding', message: 'unsupported content encoding' },
  'charset.unsupported': { status: 415, code: 'unsupported_charset', message: 'unsupported charset' },
  'request.aborted': { status: 400, code: 'aborted', message: 'request aborted' },
  'request.size.invalid': { status: 400, code: 'invalid_length', message: 'request size did not match content-length' },
  'parameters.too.many': { status: 413, code: 'too_many_parameters', message: 'too many parameters' },
};

/**
 * Turns any error into a JSON answer: ApiError as given, body-parser errors by their type, anything
 * else as a 500 with a generic message; the stack and internal messages go to the log only.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let status = 500;
    let body: ErrorBody = { error: { code: 'internal', message: 'internal error' } };
    if (error instanceof ApiError) {
      status = error.status;
      body = { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
      for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
    } else {
      const type = (error as { type?: unknown } | null)?.type;
      const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
      if (known !== undefined) {
        status = known.status;
        body = { error: { code: known.code, message: known.message } };
      } else if (isStoreUnavailable(error)) {
        // Overload or an outage of a store is worth retrying; say so instead of a bare 500.
        logger.warn({ err: error, method: req.method, route: res.locals['routeTemplate'] }, 'store unavailable');
        status = 503;
        body = { error: { code: 'unavailable', message: 'a store is unavailable or overloaded; try again later' } };
        res.setHeader('retry-after', '5');
      } else {
        logger.error({ err: error, method: req.method, route: res.locals['routeTemplate'] }, 'request failed');
      }
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    // A 413 comes before the body was read: close so the client stops uploading.
    if (status === 413) res.setHeader('connection', 'close');
    res.status(status).json(body);
  };
}
