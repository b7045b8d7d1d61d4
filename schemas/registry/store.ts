import type { Pool, PoolClient } from 'pg';
import { DEFAULT_COMPATIBILITY, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility.js';
import { ErrorCode, RegistryError, subjectNotFound, versionNotFound } from './errors.js';

/** Schema types a stored schema may have (only AVRO is accepted today, see app.ts). */
export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

/** One version of one subject, as stored. */
export interface SubjectVersion {
  readonly subject: string;
  readonly version: number;
  /** Global schema id, shared by every subject version with the same canonical schema. */
  readonly id: number;
  readonly schemaType: SchemaType;
  /** Canonical schema text. */
  readonly schema: string;
  readonly deleted: boolean;
}

/** A schema about to be registered: its canonical text and that text's fingerprint. */
export interface NewSchema {
  readonly schemaType: SchemaType;
  readonly canonical: string;
  readonly fingerprint: string;
}

/** Result of a registration: the global id, the subject version, and whether a new version was written. */
export interface Registration {
  readonly id: number;
  readonly version: number;
  readonly created: boolean;
}

/**
 * Called inside the registration transaction with the subject's live versions (oldest
 * first) and its effective compatibility level; throws to refuse the registration.
 */
export type RegistrationCheck = (live: readonly SubjectVersion[], level: CompatibilityLevel) => void;

/** `latest` or a positive version number. */
export type VersionRef = number | 'latest';

/** Persistence of subjects, versions, schemas and compatibility config. */
export interface RegistryStore {
  /** Resolves when PostgreSQL answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  /**
   * Registers `schema` under `subject`: returns the existing live version when the same
   * canonical schema is already live there, otherwise runs `check` and writes a new
   * version, reusing the global id of an identical schema from any subject. Concurrent
   * registrations of one subject are serialised.
   */
  register(subject: string, schema: NewSchema, check: RegistrationCheck): Promise<Registration>;
  /** The version of `subject` whose schema has `fingerprint`, newest first, or null. */
  findByFingerprint(subject: string, schema: NewSchema, includeDeleted: boolean): Promise<SubjectVersion | null>;
  /** Subjects with at least one live version (or any version when `includeDeleted`), sorted. */
  listSubjects(options: { includeDeleted: boolean; prefix?: string }): Promise<string[]>;
  /** Version numbers of `subject`, ascending (live ones unless `includeDeleted`). */
  listVersions(subject: string, includeDeleted: boolean): Promise<number[]>;
  /** Every version of `subject` with its schema, ascending (live ones unless `includeDeleted`). */
  versions(subject: string, includeDeleted: boolean): Promise<SubjectVersion[]>;
  /** One version (`latest` = highest visible one), or null when absent or hidden by the deleted filter. */
  getVersion(subject: string, version: VersionRef, includeDeleted: boolean): Promise<SubjectVersion | null>;
  /** The schema with global id `id`, or null when no subject version (even soft-deleted) refers to it. */
  getSchemaById(id: number): Promise<{ schemaType: SchemaType; schema: string } | null>;
  /** The subject versions that use schema `id`, sorted. */
  subjectVersionsOfId(id: number, includeDeleted: boolean): Promise<Array<{ subject: string; version: number }>>;
  /** Soft-deletes (or, after a soft delete, permanently deletes) every version of `subject`; returns their numbers. */
  deleteSubject(subject: string, permanent: boolean): Promise<number[]>;
  /** Soft-deletes (or, after a soft delete, permanently deletes) one version; returns its number. */
  deleteVersion(subject: string, version: VersionRef, permanent: boolean): Promise<number>;
  /** The level set for `subject` (or globally when `subject` is null), or null when none is set. */
  getConfig(subject: string | null): Promise<CompatibilityLevel | null>;
  /** Sets the level of `subject` (or the global one when `subject` is null). */
  setConfig(subject: string | null, level: CompatibilityLevel): Promise<void>;
  /** Removes the subject-level setting; returns the removed level, or null when none was set. */
  deleteConfig(subject: string): Promise<CompatibilityLevel | null>;
  /** The level that applies to `subject`: its own, else the global one, else BACKWARD. */
  effectiveConfig(subject: string): Promise<CompatibilityLevel>;
}

/** Options of {@link createRegistryStore}. */
export interface RegistryStoreOptions {
  /** Pool owned by the caller; the store never ends it. Tables must exist (run `migrate` first). */
  readonly pool: Pool;
}

// The global compatibility level lives in the row with the empty subject.
const GLOBAL = '';
// First key of the two-key advisory lock that serialises writes to one subject.
const SUBJECT_LOCK_SPACE = 0x5357_5202;

interface VersionRow {
  subject: string;
  version: number;
  id: number;
  schema_type: SchemaType;
  schema_text: string;
  deleted: boolean;
}

const VERSION_COLUMNS =
  'sv.subject, sv.version, s.id, s.schema_type, s.schema_text, sv.deleted ' +
  'FROM registry.subject_versions sv JOIN registry.schemas s ON s.id = sv.schema_id';

/** Returns the PostgreSQL-backed {@link RegistryStore}. */
export function createRegistryStore({ pool }: RegistryStoreOptions): RegistryStore {
  if (!pool) throw new TypeError('createRegistryStore: pool is required');

  async function inSubjectTransaction<T>(subject: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SUBJECT_LOCK_SPACE, subject]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A failed ROLLBACK leaves nothing to undo on our side; the original error is what matters.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async function effectiveConfigWith(client: Pool | PoolClient, subject: string): Promise<CompatibilityLevel> {
    const { rows } = await client.query<{ subject: string; compatibility: string }>(
      'SELECT subject, compatibility FROM registry.config WHERE subject = ANY($1)',
      [[subject, GLOBAL]],
    );
    const own = rows.find((row) => row.subject === subject && subject !== GLOBAL);
    const global = rows.find((row) => row.subject === GLOBAL);
    const level = own?.compatibility ?? global?.compatibility;
    return level === undefined ? DEFAULT_COMPATIBILITY : parseCompatibilityLevel(level);
  }

  async function versionsWith(client: Pool | PoolClient, subject: string, includeDeleted: boolean): Promise<SubjectVersion[]> {
    const { rows } = await client.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} WHERE sv.subject = $1 AND ($2 OR NOT sv.deleted) ORDER BY sv.version`,
      [subject, includeDeleted],
    );
    return rows.map(toSubjectVersion);
  }

  return {
    async ping() {
      await pool.query('SELECT 1');
    },

    async register(subject, schema, check) {
      return inSubjectTransaction(subject, async (client) => {
        const live = await versionsWith(client, subject, false);
        const same = live.find((row) => row.schemaType === schema.schemaType && row.schema === schema.canonical);
        if (same) return { id: same.id, version: same.version, created: false };

        check(live, await effectiveConfigWith(client, subject));

        const id = await schemaIdFor(client, schema);
        const { rows } = await client.query<{ version: number }>(
          `INSERT INTO registry.subject_versions (subject, version, schema_id)
           SELECT $1, COALESCE(MAX(version), 0) + 1, $2 FROM registry.subject_versions WHERE subject = $1
           RETURNING version`,
          [subject, id],
        );
        return { id, version: rows[0]!.version, created: true };
      });
    },

    async findByFingerprint(subject, schema, includeDeleted) {
      const { rows } = await pool.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS}
         WHERE sv.subject = $1 AND s.schema_type = $2 AND s.fingerprint = $3 AND ($4 OR NOT sv.deleted)
         ORDER BY sv.deleted, sv.version DESC LIMIT 1`,
        [subject, schema.schemaType, schema.fingerprint, includeDeleted],
      );
      return rows[0] ? toSubjectVersion(rows[0]) : null;
    },

    async listSubjects({ includeDeleted, prefix }) {
      const { rows } = await pool.query<{ subject: string }>(
        `SELECT DISTINCT subject FROM registry.subject_versions
         WHERE ($1 OR NOT deleted) AND starts_with(subject, $2) ORDER BY subject`,
        [includeDeleted, prefix ?? ''],
      );
      return rows.map((row) => row.subject);
    },

    async listVersions(subject, includeDeleted) {
      const { rows } = await pool.query<{ version: number }>(
        'SELECT version FROM registry.subject_versions WHERE subject = $1 AND ($2 OR NOT deleted) ORDER BY version',
        [subject, includeDeleted],
      );
      return rows.map((row) => row.version);
    },

    versions: (subject, includeDeleted) => versionsWith(pool, subject, includeDeleted),

    async getVersion(subject, version, includeDeleted) {
      const { rows } =
        version === 'latest'
          ? await pool.query<VersionRow>(
              `SELECT ${VERSION_COLUMNS} WHERE sv.subject = $1 AND ($2 OR NOT sv.deleted) ORDER BY sv.version DESC LIMIT 1`,
              [subject, includeDeleted],
            )
          : await pool.query<VersionRow>(
              `SELECT ${VERSION_COLUMNS} WHERE sv.subject = $1 AND sv.version = $2 AND ($3 OR NOT sv.deleted)`,
              [subject, version, includeDeleted],
            );
      return rows[0] ? toSubjectVersion(rows[0]) : null;
    },

    async getSchemaById(id) {
      const { rows } = await pool.query<{ schema_type: SchemaType; schema_text: string }>(
        `SELECT s.schema_type, s.schema_text FROM registry.schemas s
         WHERE s.id = $1 AND EXISTS (SELECT 1 FROM registry.subject_versions sv WHERE sv.schema_id = s.id)`,
        [id],
      );
      return rows[0] ? { schemaType: rows[0].schema_type, schema: rows[0].schema_text } : null;
    },

    async subjectVersionsOfId(id, includeDeleted) {
      const { rows } = await pool.query<{ subject: string; version: number }>(
        `SELECT subject, version FROM registry.subject_versions
         WHERE schema_id = $1 AND ($2 OR NOT deleted) ORDER BY subject, version`,
        [id, includeDeleted],
      );
      return rows;
    },

    async deleteSubject(subject, permanent) {
      return inSubjectTransaction(subject, async (client) => {
        const all = await versionsWith(client, subject, true);
        if (all.length === 0) throw subjectNotFound(subject);
        const live = all.filter((row) => !row.deleted);
        if (permanent) {
          if (live.length > 0) {
            throw new RegistryError(
              404,
              ErrorCode.subjectNotSoftDeleted,
              `Subject '${subject}' was not deleted first before being permanently deleted.`,
            );
          }
          await client.query('DELETE FROM registry.subject_versions WHERE subject = $1', [subject]);
          await client.query('DELETE FROM registry.config WHERE subject = $1', [subject]);
          return all.map((row) => row.version);
        }
        if (live.length === 0) {
          throw new RegistryError(
            404,
            ErrorCode.subjectSoftDeleted,
            `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently.`,
          );
        }
        await client.query('UPDATE registry.subject_versions SET deleted = true WHERE subject = $1 AND NOT deleted', [subject]);
        return live.map((row) => row.version);
      });
    },

    async deleteVersion(subject, version, permanent) {
      return inSubjectTransaction(subject, async (client) => {
        const all = await versionsWith(client, subject, true);
        if (all.length === 0 || (!permanent && all.every((row) => row.deleted))) throw subjectNotFound(subject);
        // `latest` means the newest live version, or for a permanent delete the newest of all.
        const candidates = permanent ? all : all.filter((row) => !row.deleted);
        const target = version === 'latest' ? candidates[candidates.length - 1] : all.find((row) => row.version === version);
        if (!target) throw versionNotFound(subject, version);
        if (permanent) {
          if (!target.deleted) {
            throw new RegistryError(
              404,
              ErrorCode.versionNotSoftDeleted,
              `Subject '${subject}' Version ${target.version} was not deleted first before being permanently deleted.`,
            );
          }
          await client.query('DELETE FROM registry.subject_versions WHERE subject = $1 AND version = $2', [subject, target.version]);
          return target.version;
        }
        if (target.deleted) {
          throw new RegistryError(
            404,
            ErrorCode.versionSoftDeleted,
            `Subject '${subject}' Version ${target.version} was soft deleted. Set permanent=true to delete permanently.`,
          );
        }
        await client.query('UPDATE registry.subject_versions SET deleted = true WHERE subject = $1 AND version = $2', [subject, target.version]);
        return target.version;
      });
    },

    async getConfig(subject) {
      const { rows } = await pool.query<{ compatibility: string }>(
        'SELECT compatibility FROM registry.config WHERE subject = $1',
        [subject ?? GLOBAL],
      );
      return rows[0] ? parseCompatibilityLevel(rows[0].compatibility) : null;
    },

    async setConfig(subject, level) {
      await pool.query(
        `INSERT INTO registry.config (subject, compatibility) VALUES ($1, $2)
         ON CONFLICT (subject) DO UPDATE SET compatibility = EXCLUDED.compatibility, updated_at = now()`,
        [subject ?? GLOBAL, level],
      );
    },

    async deleteConfig(subject) {
      const { rows } = await pool.query<{ compatibility: string }>(
        'DELETE FROM registry.config WHERE subject = $1 RETURNING compatibility',
        [subject],
      );
      return rows[0] ? parseCompatibilityLevel(rows[0].compatibility) : null;
    },

    effectiveConfig: (subject) => effectiveConfigWith(pool, subject),
  };
}

// Returns the global id of `schema`, creating it when no subject has registered it yet.
// ON CONFLICT covers a concurrent registration of the same schema under another subject
// (which holds another subject lock): we wait for its row and reuse its id.
async function schemaIdFor(client: PoolClient, schema: NewSchema): Promise<number> {
  const select = 'SELECT id FROM registry.schemas WHERE schema_type = $1 AND fingerprint = $2';
  const found = await client.query<{ id: number }>(select, [schema.schemaType, schema.fingerprint]);
  if (found.rows[0]) return found.rows[0].id;
  const inserted = await client.query<{ id: number }>(
    `INSERT INTO registry.schemas (schema_type, fingerprint, schema_text) VALUES ($1, $2, $3)
     ON CONFLICT (schema_type, fingerprint) DO NOTHING RETURNING id`,
    [schema.schemaType, schema.fingerprint, schema.canonical],
  );
  if (inserted.rows[0]) return inserted.rows[0].id;
  const again = await client.query<{ id: number }>(select, [schema.schemaType, schema.fingerprint]);
  if (!again.rows[0]) throw new RegistryError(500, ErrorCode.storeError, 'Schema row vanished during registration; retry.', { retriable: true });
  return again.rows[0].id;
}

function toSubjectVersion(row: VersionRow): SubjectVersion {
  return {
    subject: row.subject,
    version: row.version,
    id: row.id,
    schemaType: row.schema_type,
    schema: row.schema_text,
    deleted: row.deleted,
  };
}
