/** A failure the API reports to the client as JSON: HTTP status, a stable machine code and a human message. */
export class ApiError extends Error {
  constructor(
    /** HTTP status sent to the client. */
    readonly status: number,
    /** Stable machine-readable code, e.g. `invalid_request`, `unauthorized`. */
    readonly code: string,
    message: string,
    /** Field-level problems (validation), sent as `details`. */
    readonly details?: readonly FieldProblem[],
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One invalid field of a request: where it is (`query.size`, `body.name`) and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** 400 with field-level problems. */
export const badRequest = (message: string, details?: readonly FieldProblem[]): ApiError => new ApiError(400, 'invalid_request', message, details);
/** 401: no or bad credentials; the message never says which check failed in detail. */
export const unauthorized = (message = 'authentication required'): ApiError =>
  new ApiError(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer realm="sawmill"' });
/** 403: authenticated but the role or scope is too low. */
export const forbidden = (message = 'insufficient role'): ApiError => new ApiError(403, 'forbidden', message);
/** 404 for a resource. */
export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} not found`);
/** 409 for a conflicting write. */
export const conflict = (message: string): ApiError => new ApiError(409, 'conflict', message);
/** 503: a store the request needs is down. */
export const unavailable = (service: string): ApiError => new ApiError(503, 'unavailable', `${service} is unavailable; try again later`);
