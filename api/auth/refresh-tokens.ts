import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../db/transaction.js';
import { hashesEqual, newOpaqueToken, parseOpaqueToken } from './opaque-token.js';

/** Prefix of refresh tokens. */
export const REFRESH_TOKEN_PREFIX = 'smr';

/** Outcome of presenting a refresh token. */
export type RotationResult =
  | { ok: true; userId: string; token: string; familyId: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'reused' };

/** Issues a refresh token for `userId`, starting a new family unless `familyId` is given; returns the token (shown once). */
export async function issueRefreshToken(db: Pool | PoolClient, userId: string, ttlSeconds: number, familyId: string = randomUUID()): Promise<{ token: string; familyId: string }> {
  const token = newOpaqueToken(REFRESH_TOKEN_PREFIX);
  await db.query(
    `INSERT INTO refresh_tokens (id, family_id, user_id, secret_hash, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
    [token.id, familyId, userId, token.hash, ttlSeconds],
  );
  return { token: token.token, familyId };
}

/**
 * Exchanges a refresh token for its successor in the same family (rotation). A token already
 * exchanged being presented again means it was copied: the whole family is revoked and both the
 * thief and the owner must log in again.
 */
export async function rotateRefreshToken(pool: Pool, presented: string, ttlSeconds: number): Promise<RotationResult> {
  const parsed = parseOpaqueToken(REFRESH_TOKEN_PREFIX, presented);
  if (parsed === undefined) return { ok: false, reason: 'invalid' };
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ family_id: string; user_id: string; secret_hash: Buffer; expired: boolean; used_at: Date | null; revoked_at: Date | null; disabled: boolean }>(
      `SELECT t.family_id, t.user_id, t.secret_hash, t.expires_at <= now() AS expired, t.used_at, t.revoked_at, u.disabled
       FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1 FOR UPDATE OF t`,
      [parsed.id],
    );
    const row = rows[0];
    if (row === undefined || !hashesEqual(row.secret_hash, parsed.hash)) return { ok: false, reason: 'invalid' } as const;
    if (row.revoked_at !== null || row.disabled) return { ok: false, reason: 'revoked' } as const;
    if (row.used_at !== null) {
      await client.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id]);
      return { ok: false, reason: 'reused' } as const;
    }
    if (row.expired) return { ok: false, reason: 'expired' } as const;
    await client.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1', [parsed.id]);
    const next = await issueRefreshToken(client, row.user_id, ttlSeconds, row.family_id);
    return { ok: true, userId: row.user_id, token: next.token, familyId: row.family_id } as const;
  });
}

/** Revokes the family of a presented token (logout); silently does nothing for an unknown token. */
export async function revokeRefreshFamily(pool: Pool, presented: string): Promise<void> {
  const parsed = parseOpaqueToken(REFRESH_TOKEN_PREFIX, presented);
  if (parsed === undefined) return;
  const { rows } = await pool.query<{ family_id: string; secret_hash: Buffer }>('SELECT family_id, secret_hash FROM refresh_tokens WHERE id = $1', [parsed.id]);
  const row = rows[0];
  if (row === undefined || !hashesEqual(row.secret_hash, parsed.hash)) return;
  await pool.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [row.family_id]);
}

/** Revokes every refresh token of a user (password change, disable, role change). */
export async function revokeUserRefreshTokens(db: Pool | PoolClient, userId: string): Promise<void> {
  await db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}
