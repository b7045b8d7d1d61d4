import { SawmillError } from '../../lib/errors.js';

/**
 * Confluent Schema Registry error codes this registry emits. Clients (kafkajs' registry
 * client, kcat, curl scripts written against Confluent) branch on these numbers, so they
 * follow Confluent's table rather than anything of our own.
 */
export const ErrorCode = {
  badRequest: 400,
  subjectNotFound: 40401,
  versionNotFound: 40402,
  schemaNotFound: 40403,
  subjectSoftDeleted: 40404,
  subjectNotSoftDeleted: 40405,
  versionSoftDeleted: 40406,
  versionNotSoftDeleted: 40407,
  subjectConfigNotFound: 40408,
  routeNotFound: 404,
  incompatibleSchema: 409,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  invalidSchema: 42201,
  invalidVersion: 42202,
  invalidCompatibilityLevel: 42203,
  invalidSubject: 42208,
  storeError: 50001,
  storeUnavailable: 50002,
} as const;

/** One of the Confluent error codes in {@link ErrorCode}. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A request the registry refuses or cannot serve, carrying the HTTP status and the
 * Confluent `error_code` it is answered with; the message goes to the client verbatim.
 */
export class RegistryError extends SawmillError {
  constructor(
    /** HTTP status of the response. */
    readonly httpStatus: number,
    /** Confluent `error_code` of the response body. */
    readonly errorCode: ErrorCodeValue,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, options);
  }

  /** The Confluent-style response body `{ error_code, message }`. */
  toBody(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** The subject has no live version (or never existed). */
export function subjectNotFound(subject: string): RegistryError {
  return new RegistryError(404, ErrorCode.subjectNotFound, `Subject '${subject}' not found.`);
}

/** The subject exists but the requested version does not (or is soft-deleted). */
export function versionNotFound(subject: string, version: number | 'latest'): RegistryError {
  const which = version === 'latest' ? 'No live version' : `Version ${version}`;
  return new RegistryError(404, ErrorCode.versionNotFound, `${which} not found for subject '${subject}'.`);
}

/** No schema with that id, or the schema is not registered under the subject asked about. */
export function schemaNotFound(detail = 'Schema not found'): RegistryError {
  return new RegistryError(404, ErrorCode.schemaNotFound, detail);
}

/** The schema text is not a valid schema (the message says why). */
export function invalidSchema(detail: string, cause?: unknown): RegistryError {
  return new RegistryError(422, ErrorCode.invalidSchema, `Invalid schema: ${detail}`, { cause });
}

/** The version path segment is neither `latest`, `-1` nor an integer in 1..2^31-1. */
export function invalidVersion(raw: string): RegistryError {
  return new RegistryError(
    422,
    ErrorCode.invalidVersion,
    `The specified version '${truncate(raw, 64)}' is not a valid version id. ` +
      'Allowed values are between [1, 2^31-1] and the string "latest".',
  );
}

/** The compatibility level is not one of Confluent's seven. */
export function invalidCompatibilityLevel(raw: unknown): RegistryError {
  return new RegistryError(
    422,
    ErrorCode.invalidCompatibilityLevel,
    `Invalid compatibility level '${truncate(String(raw), 64)}'. Valid values are NONE, BACKWARD, ` +
      'BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL and FULL_TRANSITIVE.',
  );
}

/** The subject name is empty, too long, or contains characters we refuse. */
export function invalidSubject(detail: string): RegistryError {
  return new RegistryError(422, ErrorCode.invalidSubject, `Invalid subject name: ${detail}`);
}

/** The request itself is malformed (body shape, JSON syntax, encoding). */
export function badRequest(detail: string, cause?: unknown): RegistryError {
  return new RegistryError(400, ErrorCode.badRequest, detail, { cause });
}

/** Shortens user-supplied text before it is echoed in an error message. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`;
}
