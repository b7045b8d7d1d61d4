import type { Pool } from 'pg';

/** Filters of the alert lists. */
export interface AlertFilter {
  service?: string[] | undefined;
  severity?: string[] | undefined;
  ruleId?: string | undefined;
  state?: 'FIRING' | 'RESOLVED' | undefined;
}

/** The current state of one alert fingerprint (alert_state). */
export interface ActiveAlert {
  fingerprint: string;
  state: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  severity: string;
  service: string;
  episodeStartedAt: string;
  lastEventTime: string;
  lastAlertId: string;
  summary: string;
  evidence: unknown;
  labels: Record<string, string>;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

/** One FIRING or RESOLVED transition (alert_events). */
export interface AlertHistoryEntry {
  alertId: string;
  fingerprint: string;
  state: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  severity: string;
  service: string;
  episodeStartedAt: string;
  eventTime: string;
  summary: string;
  evidence: unknown;
  labels: Record<string, string>;
}

/** Current alerts (default FIRING), most severe and newest first. */
export async function listAlertState(pool: Pool, filter: AlertFilter, limit: number): Promise<ActiveAlert[]> {
  const { rows } = await pool.query(
    `SELECT fingerprint, state, rule_id, rule_name, kind, severity, service, episode_started_at, last_event_time, last_alert_id, summary, evidence, labels, acknowledged_by, acknowledged_at
     FROM alert_state
     WHERE state = $1 AND ($2::text[] IS NULL OR service = ANY($2)) AND ($3::text[] IS NULL OR severity = ANY($3)) AND ($4::text IS NULL OR rule_id = $4)
     ORDER BY CASE severity WHEN 'CRITICAL' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END, last_event_time DESC, fingerprint LIMIT $5`,
    [filter.state ?? 'FIRING', filter.service ?? null, filter.severity ?? null, filter.ruleId ?? null, limit],
  );
  return rows.map((row) => ({
    fingerprint: row.fingerprint,
    state: row.state,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    kind: row.kind,
    severity: row.severity,
    service: row.service,
    episodeStartedAt: (row.episode_started_at as Date).toISOString(),
    lastEventTime: (row.last_event_time as Date).toISOString(),
    lastAlertId: row.last_alert_id,
    summary: row.summary,
    evidence: row.evidence,
    labels: row.labels,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at === null ? null : (row.acknowledged_at as Date).toISOString(),
  }));
}

/** Alert transitions between `fromMs` and `toMs`, newest first; `beforeMs` pages backwards. */
export async function listAlertHistory(pool: Pool, filter: AlertFilter & { fromMs: number; toMs: number }, limit: number): Promise<AlertHistoryEntry[]> {
  const { rows } = await pool.query(
    `SELECT alert_id, fingerprint, state, rule_id, rule_name, kind, severity, service, episode_started_at, event_time, summary, evidence, labels
     FROM alert_events
     WHERE event_time >= to_timestamp($1::double precision / 1000) AND event_time < to_timestamp($2::double precision / 1000)
       AND ($3::text IS NULL OR state = $3) AND ($4::text[] IS NULL OR service = ANY($4)) AND ($5::text[] IS NULL OR severity = ANY($5)) AND ($6::text IS NULL OR rule_id = $6)
     ORDER BY event_time DESC, alert_id LIMIT $7`,
    [filter.fromMs, filter.toMs, filter.state ?? null, filter.service ?? null, filter.severity ?? null, filter.ruleId ?? null, limit],
  );
  return rows.map((row) => ({
    alertId: row.alert_id,
    fingerprint: row.fingerprint,
    state: row.state,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    kind: row.kind,
    severity: row.severity,
    service: row.service,
    episodeStartedAt: (row.episode_started_at as Date).toISOString(),
    eventTime: (row.event_time as Date).toISOString(),
    summary: row.summary,
    evidence: row.evidence,
    labels: row.labels,
  }));
}

/** Marks a firing alert acknowledged by `actor`; false when no FIRING alert has that fingerprint. */
export async function acknowledgeAlert(pool: Pool, fingerprint: string, actor: string): Promise<boolean> {
  const { rowCount } = await pool.query(`UPDATE alert_state SET acknowledged_by = $2, acknowledged_at = now() WHERE fingerprint = $1 AND state = 'FIRING'`, [fingerprint, actor]);
  return rowCount === 1;
}
