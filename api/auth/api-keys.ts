import type { Pool } from 'pg';
import { hashesEqual, newOpaqueToken, parseOpaqueToken } from './opaque-token.js';
import { lowerRole, type Role } from './roles.js';
import type { Principal } from './principal.js';

/** Prefix of API keys, so a key is recognisable in a secret scanner and told apart from a JWT. */
export const API_KEY_PREFIX = 'smk';

/** An API key as listed (never its secret). */
export interface ApiKeyInfo {
  id: string;
  userId: string;
  name: string;
  scope: Role;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface KeyRow {
  id: string;
  user_id: string;
  name: string;
  scope: Role;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at';

function toInfo(row: KeyRow): ApiKeyInfo {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    scope: row.scope,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Creates a key for `userId` with `scope`; returns its info and the token, which is shown once and never stored. */
export async function createApiKey(db: Pool, input: { userId: string; name: string; scope: Role; expiresAt: Date | null }): Promise<{ key: ApiKeyInfo; token: string }> {
  const token = newOpaqueToken(API_KEY_PREFIX);
  const { rows } = await db.query<KeyRow>(
    `INSERT INTO api_keys (id, user_id, name, scope, secret_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [token.id, input.userId, input.name, input.scope, token.hash, input.expiresAt],
  );
  return { key: toInfo(rows[0]!), token: token.token };
}

/** Keys of one user (or of everyone when `userId` is undefined), newest first. */
export async function listApiKeys(db: Pool, userId: string | undefined): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE ($1::uuid IS NULL OR user_id = $1) ORDER BY created_at DESC`, [userId ?? null]);
  return rows.map(toInfo);
}

/** Revokes key `id` (of `userId` unless undefined = any owner); true when it was active. */
export async function revokeApiKey(db: Pool, id: string, userId: string | undefined): Promise<boolean> {
  if (!/^[0-9a-f]{16}$/.test(id)) return false;
  const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) AND revoked_at IS NULL', [id, userId ?? null]);
  return rowCount === 1;
}

/**
 * The principal of a presented API key, or undefined when the token is malformed, unknown, wrong,
 * revoked, expired or its owner is disabled. The role is the lower of the key's scope and the
 * owner's current role, so demoting a user demotes their keys at once.
 */
export async function authenticateApiKey(db: Pool, token: string): Promise<Principal | undefined> {
  const parsed = parseOpaqueToken(API_KEY_PREFIX, token);
  if (parsed === undefined) return undefined;
  const { rows } = await db.query<{ secret_hash: Buffer; scope: Role; user_id: string; username: string; role: Role; disabled: boolean; expires_at: Date | null; revoked_at: Date | null }>(
    `SELECT k.secret_hash, k.scope, k.user_id, u.username, u.role, u.disabled, k.expires_at, k.revoked_at
     FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = $1`,
    [parsed.id],
  );
  const row = rows[0];
  if (row === undefined || !hashesEqual(row.secret_hash, parsed.hash)) return undefined;
  if (row.revoked_at !== null || row.disabled || (row.expires_at !== null && row.expires_at.getTime() <= Date.now())) return undefined;
  // Best effort: a lost last-used stamp is not worth failing the request.
  db.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [parsed.id]).catch(() => undefined);
  return { kind: 'api-key', userId: row.user_id, username: row.username, role: lowerRole(row.scope, row.role), apiKeyId: parsed.id };
}
