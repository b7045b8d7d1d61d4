import type { Pool, PoolClient } from 'pg';
import type { AlertRule } from '../../schemas/log-schemas.js';

/** A stored rule with its bookkeeping. */
export interface StoredRule {
  rule: AlertRule;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

interface RuleRow {
  rule: AlertRule;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'rule, version, created_by, created_at, updated_at';

function toStored(row: RuleRow): StoredRule {
  return { rule: row.rule, version: row.version, createdBy: row.created_by, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

/** Every rule, optionally of one service or kind, by name. */
export async function listRules(db: Pool, filter: { service?: string | undefined; kind?: string | undefined }): Promise<StoredRule[]> {
  const { rows } = await db.query<RuleRow>(
    `SELECT ${COLUMNS} FROM alert_rules WHERE ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR kind = $2) ORDER BY name, id`,
    [filter.service ?? null, filter.kind ?? null],
  );
  return rows.map(toStored);
}

/** The rule `id`, or undefined; `forUpdate` locks the row inside a transaction. */
export async function findRule(db: Pool | PoolClient, id: string, forUpdate = false): Promise<StoredRule | undefined> {
  const { rows } = await db.query<RuleRow>(`SELECT ${COLUMNS} FROM alert_rules WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] === undefined ? undefined : toStored(rows[0]);
}

/** Inserts a rule; undefined when the id exists. */
export async function insertRule(db: PoolClient, rule: AlertRule, createdBy: string): Promise<StoredRule | undefined> {
  const { rows } = await db.query<RuleRow>(
    `INSERT INTO alert_rules (id, name, kind, enabled, service, rule, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
    [rule.id, rule.name, rule.kind, rule.enabled, rule.service, JSON.stringify(rule), createdBy],
  );
  return rows[0] === undefined ? undefined : toStored(rows[0]);
}

/** Replaces rule `rule.id`, bumping its version; undefined when it does not exist. */
export async function replaceRule(db: PoolClient, rule: AlertRule): Promise<StoredRule | undefined> {
  const { rows } = await db.query<RuleRow>(
    `UPDATE alert_rules SET name = $2, kind = $3, enabled = $4, service = $5, rule = $6, version = version + 1, updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [rule.id, rule.name, rule.kind, rule.enabled, rule.service, JSON.stringify(rule)],
  );
  return rows[0] === undefined ? undefined : toStored(rows[0]);
}

/** Deletes rule `id`; true when it existed. */
export async function deleteRule(db: PoolClient, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM alert_rules WHERE id = $1', [id]);
  return rowCount === 1;
}
