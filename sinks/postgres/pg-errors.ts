/**
 * Sorts PostgreSQL failures into the two kinds the sink runner acts on: data the server will
 * never accept (the runner narrows the batch down and dead-letters the bad record) and everything
 * else (connection lost, server restarting, timeouts, locks, out of resources), which is waited
 * out with backoff. When in doubt an error counts as retriable: retrying too long makes the lag
 * grow, which an operator sees; dead-lettering a good record would lose it from the projection.
 */
import { InvalidInputError, ServiceUnavailableError, SawmillError } from '../../lib/errors.js';
import { redactText } from '../../lib/redact.js';

// SQLSTATE classes caused by the data itself: 22 data exception, 23 integrity constraint, 54 program limit (index row too big).
const DATA_CLASSES = new Set(['22', '23', '54']);

/** The SQLSTATE of a node-postgres error, or undefined for socket and client errors. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Wraps a node-postgres error: InvalidInputError (not retriable) for data errors, ServiceUnavailableError (retriable) otherwise; SawmillErrors pass through. */
export function classifyPgError(error: unknown, what: string): SawmillError {
  if (error instanceof SawmillError) return error;
  const state = sqlState(error);
  const message = redactText(error instanceof Error ? error.message : String(error));
  if (state !== undefined && DATA_CLASSES.has(state.slice(0, 2))) {
    return new InvalidInputError(`${what}: postgres refused the data (${state}): ${message}`, `postgres ${state}`, error);
  }
  return new ServiceUnavailableError(`${what}: postgres unavailable${state === undefined ? '' : ` (${state})`}: ${message}`, 'postgres', error);
}
