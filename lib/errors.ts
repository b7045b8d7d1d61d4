/**
 * Every error Sawmill throws on purpose derives from SawmillError, so callers can
 * tell an expected failure (bad config, a store that is down) from a bug.
 * `retriable` tells lib/retry.ts whether trying again can help.
 */
export class SawmillError extends Error {
  /** True when the same call may succeed later (connection lost, 429, 5xx, timeout). */
  readonly retriable: boolean;

  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** A configuration file or environment variable is missing, malformed or has an unknown key. */
export class ConfigError extends SawmillError {
  constructor(
    message: string,
    /** Where the bad value came from: a file path or `environment`. */
    readonly source: string,
    /** Dotted path of the offending key, e.g. `kafka.brokers[0]`; empty for the whole document. */
    readonly key: string,
  ) {
    super(message, { retriable: false });
  }
}

/** A remote service (Kafka, PostgreSQL, OpenSearch, Redis, SMTP) failed in a way worth retrying. */
export class ServiceUnavailableError extends SawmillError {
  constructor(message: string, readonly service: string, cause?: unknown) {
    super(message, { cause, retriable: true });
  }
}

/** A retry loop gave up: either attempts ran out or the error was not retriable. */
export class RetriesExhaustedError extends SawmillError {
  constructor(message: string, readonly attempts: number, cause: unknown) {
    super(message, { cause, retriable: false });
  }
}

/** Input that can never be processed (malformed, oversized, hostile); goes to a dead-letter topic, never retried. */
export class InvalidInputError extends SawmillError {
  constructor(message: string, readonly reason: string, cause?: unknown) {
    super(message, { cause, retriable: false });
  }
}

/** True when `error` says that trying the same operation again may succeed. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof SawmillError) return error.retriable;
  // kafkajs marks its own errors; respect that rather than guessing.
  if (typeof error === 'object' && error !== null && 'retriable' in error) {
    return Boolean((error as { retriable: unknown }).retriable);
  }
  return false;
}
