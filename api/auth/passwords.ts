import argon2 from 'argon2';

/** Longest password accepted: hashing is deliberately slow, so an unbounded input would be a denial of service. */
export const MAX_PASSWORD_LENGTH = 256;
/** Shortest password accepted for new or changed passwords. */
export const MIN_PASSWORD_LENGTH = 12;

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~20 ms here, enough against offline guessing.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Returns the argon2id PHC string of `password`. */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * True when `password` matches `hash`. With `hash` undefined (unknown user) it still spends one
 * verification on a dummy hash, so response time does not reveal which usernames exist.
 */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  if (hash === undefined) {
    dummyHash ??= hashPassword('sawmill-dummy-password-for-timing');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash is a data problem, never a match.
    return false;
  }
}
