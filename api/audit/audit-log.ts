import type { Pool, PoolClient } from 'pg';

/** One audit entry: who did what to which object, with the relevant (secret-free) details. */
export interface AuditEntry {
  /** `user:<id>` or `key:<id>` of the acting principal, or `cli` for the bootstrap command. */
  actor: string;
  /** e.g. `user.create`, `rule.update`, `silence.delete`. */
  action: string;
  targetType: 'user' | 'api-key' | 'rule' | 'silence' | 'alert' | 'dead-letter';
  targetId: string;
  details?: Record<string, unknown>;
}

/** Appends `entry` to audit_log; pass the transaction's client so the entry commits with the change it records. */
export async function recordAudit(db: Pool | PoolClient, entry: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5)', [
    entry.actor,
    entry.action,
    entry.targetType,
    entry.targetId,
    JSON.stringify(entry.details ?? {}),
  ]);
}

/** A stored audit entry. */
export interface AuditRow extends Required<AuditEntry> {
  id: string;
  at: string;
}

/** The newest entries, optionally of one target type, at most `limit`. */
export async function listAudit(db: Pool, options: { limit: number; targetType?: string | undefined }): Promise<AuditRow[]> {
  const { rows } = await db.query<{ id: string; at: Date; actor: string; action: string; target_type: AuditEntry['targetType']; target_id: string; details: Record<string, unknown> }>(
    `SELECT id, at, actor, action, target_type, target_id, details FROM audit_log
     WHERE ($1::text IS NULL OR target_type = $1) ORDER BY id DESC LIMIT $2`,
    [options.targetType ?? null, options.limit],
  );
  return rows.map((row) => ({ id: row.id, at: row.at.toISOString(), actor: row.actor, action: row.action, targetType: row.target_type, targetId: row.target_id, details: row.details }));
}
