/**
 * What the API shows about an alert's notifications: the notifier's current state of the
 * fingerprint and every ledger row of it, newest episode first. Read-only; safe to call from any
 * process with a pool on the notifier's database.
 */
import type { PgPool } from '../lib/postgres.js';

/** One notice of an alert on one channel. */
export interface NoticeStatus {
  episodeStartedAtMs: number;
  state: 'FIRING' | 'RESOLVED';
  channel: string;
  repeatNo: number;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'silenced' | 'superseded';
  attempts: number;
  lastError: string | null;
  silenceId: string | null;
  messageId: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

/** The notification status of one fingerprint. */
export interface NotificationStatus {
  fingerprint: string;
  /** The notifier's state machine for it, or null when it never saw an event of it. */
  current: { state: 'FIRING' | 'RESOLVED'; episodeStartedAtMs: number; ruleId: string; service: string; updatedAt: Date } | null;
  /** True when the latest notice of the current episode was suppressed by a silence. */
  silenced: boolean;
  /** Every notice, newest episode first, then FIRING before RESOLVED, channel, repeat. */
  notices: NoticeStatus[];
}

/** Returns the notification status of `fingerprint`; an unknown fingerprint gives `current: null` and no notices. */
export async function notificationStatus(pool: PgPool, fingerprint: string): Promise<NotificationStatus> {
  const state = await pool.query<{ state: 'FIRING' | 'RESOLVED'; episode: string; rule_id: string; service: string; updated_at: Date }>(
    'SELECT state, episode_started_at_ms AS episode, rule_id, service, updated_at FROM notifier_alert_state WHERE fingerprint = $1',
    [fingerprint],
  );
  const { rows } = await pool.query<{
    episode: string; state: 'FIRING' | 'RESOLVED'; channel: string; repeat_no: number; status: NoticeStatus['status']; attempts: number;
    last_error: string | null; silence_id: string | null; message_id: string | null; created_at: Date; updated_at: Date; sent_at: Date | null;
  }>(
    `SELECT episode_started_at_ms AS episode, state, channel, repeat_no, status, attempts, last_error, silence_id, message_id, created_at, updated_at, sent_at
     FROM notification_ledger WHERE fingerprint = $1
     ORDER BY episode_started_at_ms DESC, state, channel, repeat_no`,
    [fingerprint],
  );
  const row = state.rows[0];
  const current = row === undefined ? null : { state: row.state, episodeStartedAtMs: Number(row.episode), ruleId: row.rule_id, service: row.service, updatedAt: row.updated_at };
  const notices: NoticeStatus[] = rows.map((r) => ({
    episodeStartedAtMs: Number(r.episode),
    state: r.state,
    channel: r.channel,
    repeatNo: r.repeat_no,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    silenceId: r.silence_id,
    messageId: r.message_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
  }));
  const ofEpisode = current === null ? [] : notices.filter((n) => n.episodeStartedAtMs === current.episodeStartedAtMs && n.state === current.state);
  const latest = ofEpisode.reduce<NoticeStatus | undefined>((best, n) => (best === undefined || n.updatedAt > best.updatedAt ? n : best), undefined);
  return { fingerprint, current, silenced: latest?.status === 'silenced', notices };
}
