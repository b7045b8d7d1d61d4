/**
 * The canary line: one JSON log line carrying a token that appears nowhere else, so a search
 * for the token finds this line and no other. The token is letters and digits only, which the
 * standard analyzer keeps as one term in both `message` and `line`.
 */
import { randomBytes } from 'node:crypto';

/** One canary line and the token a search looks for. */
export interface CanaryLine {
  /** `sawmillcanary` + 24 hex digits: unique per probe. */
  readonly token: string;
  /** The JSON line, without a trailing newline. */
  readonly text: string;
  /** When the line was stamped (ms since the epoch); its `timestamp` field. */
  readonly writtenAtMs: number;
}

/** Returns a fresh canary line for `service`, stamped `nowMs`. */
export function createCanaryLine(service: string, nowMs: number = Date.now()): CanaryLine {
  const token = `sawmillcanary${randomBytes(12).toString('hex')}`;
  const text = JSON.stringify({
    timestamp: new Date(nowMs).toISOString(),
    level: 'info',
    service,
    message: `canary ${token}`,
  });
  return { token, text, writtenAtMs: nowMs };
}

/** True when `token` has the shape createCanaryLine gives it (searching for anything else is a bug). */
export function isCanaryToken(token: string): boolean {
  return /^sawmillcanary[0-9a-f]{24}$/.test(token);
}
