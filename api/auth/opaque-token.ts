import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random bearer secret shown once (`<prefix>_<id>_<secret>`); only its id and SHA-256 are stored. */
export interface OpaqueToken {
  /** The full token given to the client. */
  readonly token: string;
  /** Public id, the database key. */
  readonly id: string;
  /** SHA-256 of the secret part, stored instead of the secret. */
  readonly hash: Buffer;
}

/** Makes a new token with `prefix` (`smk` API keys, `smr` refresh tokens): 8 random bytes of id, 32 of secret. */
export function newOpaqueToken(prefix: string): OpaqueToken {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `${prefix}_${id}_${secret}`, id, hash: sha256(secret) };
}

/** Splits a presented token into id and secret hash; undefined when it is not `<prefix>_<16 hex>_<43 base64url>` (nothing else reaches a query). */
export function parseOpaqueToken(prefix: string, token: string): { id: string; hash: Buffer } | undefined {
  const match = new RegExp(`^${prefix}_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$`).exec(token);
  if (match === null) return undefined;
  return { id: match[1]!, hash: sha256(match[2]!) };
}

/** Constant-time comparison of two stored hashes. */
export function hashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
