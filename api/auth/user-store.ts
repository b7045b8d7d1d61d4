import type { Pool, PoolClient } from 'pg';
import type { Role } from './roles.js';

/** A user as the API shows it (never the password hash). */
export interface User {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A user row with its password hash, for login only. */
export interface UserWithHash extends User {
  passwordHash: string;
}

type Queryable = Pool | PoolClient;

interface UserRow {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
  password_hash: string;
}

const COLUMNS = 'id, username, role, disabled, created_at, updated_at, password_hash';

function toUser(row: UserRow): UserWithHash {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    disabled: row.disabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    passwordHash: row.password_hash,
  };
}

/** Drops the hash before a user leaves the API. */
export function publicUser(user: UserWithHash | User): User {
  const { id, username, role, disabled, createdAt, updatedAt } = user;
  return { id, username, role, disabled, createdAt, updatedAt };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user with `id`, or undefined (also for a malformed id, which never reaches the query). */
export async function findUserById(db: Queryable, id: string): Promise<UserWithHash | undefined> {
  if (!UUID.test(id)) return undefined;
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : toUser(rows[0]);
}

/** The user named `username`, or undefined. */
export async function findUserByName(db: Queryable, username: string): Promise<UserWithHash | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [username]);
  return rows[0] === undefined ? undefined : toUser(rows[0]);
}

/** Every user, by username. */
export async function listUsers(db: Queryable): Promise<User[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username`);
  return rows.map((row) => publicUser(toUser(row)));
}

/** Inserts a user; returns undefined when the username is taken. */
export async function insertUser(db: Queryable, user: { username: string; passwordHash: string; role: Role }): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
    [user.username, user.passwordHash, user.role],
  );
  return rows[0] === undefined ? undefined : publicUser(toUser(rows[0]));
}

/** Applies the given changes to user `id`; returns the updated user or undefined when it does not exist. */
export async function updateUser(
  db: Queryable,
  id: string,
  changes: { role?: Role; disabled?: boolean; passwordHash?: string },
): Promise<User | undefined> {
  if (!UUID.test(id)) return undefined;
  const { rows } = await db.query<UserRow>(
    `UPDATE users SET role = COALESCE($2, role), disabled = COALESCE($3, disabled), password_hash = COALESCE($4, password_hash), updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, changes.role ?? null, changes.disabled ?? null, changes.passwordHash ?? null],
  );
  return rows[0] === undefined ? undefined : publicUser(toUser(rows[0]));
}

/** Deletes user `id` (its keys and refresh tokens go with it); true when a row was deleted. */
export async function deleteUser(db: Queryable, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const { rowCount } = await db.query('DELETE FROM users WHERE id = $1', [id]);
  return rowCount === 1;
}

/** Number of enabled admins other than `exceptId`: the last admin may not be demoted, disabled or deleted. */
export async function countOtherAdmins(db: Queryable, exceptId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1`, [exceptId]);
  return Number(rows[0]?.n ?? 0);
}
