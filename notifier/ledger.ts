/**
 * The notifier's PostgreSQL state: accepted alert events, the per-fingerprint state machine and the
 * delivery ledger (one row per notice of a transition on a channel). All SQL of the notifier lives
 * here; callers own transactions where one is needed.
 *
 * Ledger row life: `pending` (waiting for its group's wait, or for a retry) → `sending` (claimed and
 * committed before the channel is called) → `sent` | `pending` again (retriable failure, later
 * `due_at`) | `failed`. `silenced` and `superseded` rows are never sent.
 */
import type { PoolClient } from 'pg';
import type { PgPool } from '../lib/postgres.js';
import type { AlertEvent } from '../schemas/log-schemas.js';
import type { ChannelName } from './config.js';
import { groupKey } from './grouping.js';
import type { Silence, SilenceMatcher } from './silence-matcher.js';

/** What `recordAlertEvent` did with an event. */
export type RecordOutcome = 'new' | 'duplicate' | 'stale';

/** Options of `recordAlertEvent`. */
export interface RecordOptions {
  /** Channels a notice row is created for. */
  channels: readonly ChannelName[];
  /** Grouping labels besides rule_id. */
  byLabels: readonly string[];
  /** How long the first notice of a new group waits for others. */
  groupWaitMs: number;
}

/** Identity of one ledger row. */
export interface LedgerKey {
  fingerprint: string;
  episodeStartedAtMs: number;
  state: 'FIRING' | 'RESOLVED';
  channel: ChannelName;
  repeatNo: number;
}

/** A ledger row with its alert event, as the dispatcher claims it. */
export interface LedgerEntry extends LedgerKey {
  groupKey: string;
  attempts: number;
  createdAt: Date;
  event: AlertEvent;
}

/** A group with due notices. */
export interface DueGroup {
  channel: ChannelName;
  groupKey: string;
  state: 'FIRING' | 'RESOLVED';
}

/**
 * Records one alert event inside the caller's transaction: stores it once (by alertId), moves the
 * fingerprint's state machine, and adds a pending notice per channel that joins its group's
 * pending notices (same due time) or starts a new group due after the group wait.
 * Returns `duplicate` for an alertId already recorded (nothing changes), `stale` for an event of
 * an older episode than the current one or a FIRING after its own RESOLVED (its notices are
 * recorded as superseded, never sent), `new` otherwise.
 */
export async function recordAlertEvent(client: PoolClient, raw: AlertEvent, options: RecordOptions): Promise<RecordOutcome> {
  const event = withoutNul(raw);
  const inserted = await client.query(
    `INSERT INTO notifier_events (alert_id, fingerprint, state, episode_started_at_ms, rule_id, service, event)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (alert_id) DO NOTHING`,
    [event.alertId, event.fingerprint, event.state, event.episodeStartedAtMs, event.ruleId, event.service, JSON.stringify(event)],
  );
  if (inserted.rowCount === 0) return 'duplicate';

  const { rows } = await client.query<{ state: string; episode: string }>(
    'SELECT state, episode_started_at_ms AS episode FROM notifier_alert_state WHERE fingerprint = $1 FOR UPDATE',
    [event.fingerprint],
  );
  const current = rows[0];
  const currentEpisode = current === undefined ? undefined : Number(current.episode);
  let stale = false;
  if (currentEpisode !== undefined && current !== undefined) {
    if (event.episodeStartedAtMs < currentEpisode) stale = true;
    // Same episode: RESOLVED is final; a FIRING delivered after it (reordering, replay) is history.
    else if (event.episodeStartedAtMs === currentEpisode && current.state === 'RESOLVED' && event.state === 'FIRING') stale = true;
  }
  if (!stale) {
    await client.query(
      `INSERT INTO notifier_alert_state (fingerprint, state, episode_started_at_ms, rule_id, service, last_alert_id, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (fingerprint) DO UPDATE SET state = EXCLUDED.state, episode_started_at_ms = EXCLUDED.episode_started_at_ms,
         rule_id = EXCLUDED.rule_id, service = EXCLUDED.service, last_alert_id = EXCLUDED.last_alert_id, updated_at = now()`,
      [event.fingerprint, event.state, event.episodeStartedAtMs, event.ruleId, event.service, event.alertId],
    );
  }

  const key = groupKey(event, options.byLabels);
  for (const channel of options.channels) {
    // Joining the group's earliest pending due time is what makes alerts of one group inside the
    // wait window go out together; the advisory lock on the group serialises two joiners.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [JSON.stringify([channel, key, event.state])]);
    await client.query(
      `INSERT INTO notification_ledger (fingerprint, episode_started_at_ms, state, channel, repeat_no, alert_id, group_key, status, due_at)
       VALUES ($1, $2, $3, $4, 0, $5, $6, $7,
         COALESCE((SELECT min(due_at) FROM notification_ledger WHERE channel = $4 AND group_key = $6 AND state = $3 AND status = 'pending'),
                  now() + make_interval(secs => $8::double precision / 1000)))
       ON CONFLICT DO NOTHING`,
      [event.fingerprint, event.episodeStartedAtMs, event.state, channel, event.alertId, key, stale ? 'superseded' : 'pending', options.groupWaitMs],
    );
  }
  return stale ? 'stale' : 'new';
}

// A RESOLVED notice waits while the FIRING notice of its episode on the same channel is not settled,
// so the two never arrive in the wrong order.
const RESOLVED_WAITS = `
  (l.state = 'FIRING' OR NOT EXISTS (
    SELECT 1 FROM notification_ledger f
    WHERE f.fingerprint = l.fingerprint AND f.episode_started_at_ms = l.episode_started_at_ms
      AND f.channel = l.channel AND f.state = 'FIRING' AND f.status IN ('pending', 'sending')))`;

/** Returns up to `limit` groups with a pending notice due now, the longest waiting first. */
export async function dueGroups(pool: PgPool, limit: number): Promise<DueGroup[]> {
  const { rows } = await pool.query<{ channel: ChannelName; group_key: string; state: 'FIRING' | 'RESOLVED' }>(
    `SELECT l.channel, l.group_key, l.state FROM notification_ledger l
     WHERE l.status = 'pending' AND l.due_at <= now() AND ${RESOLVED_WAITS}
     GROUP BY l.channel, l.group_key, l.state ORDER BY min(l.due_at) LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({ channel: row.channel, groupKey: row.group_key, state: row.state }));
}

/** Pending notices of one group, locked for the caller's transaction (rows locked by another claimer are skipped). */
export async function lockGroup(client: PoolClient, group: DueGroup): Promise<LedgerEntry[]> {
  const { rows } = await client.query<LedgerRow>(
    `SELECT l.fingerprint, l.episode_started_at_ms, l.state, l.channel, l.repeat_no, l.group_key, l.attempts, l.created_at, e.event
     FROM notification_ledger l JOIN notifier_events e ON e.alert_id = l.alert_id
     WHERE l.channel = $1 AND l.group_key = $2 AND l.state = $3 AND l.status = 'pending' AND ${RESOLVED_WAITS}
     ORDER BY l.fingerprint, l.episode_started_at_ms, l.repeat_no
     FOR UPDATE OF l SKIP LOCKED`,
    [group.channel, group.groupKey, group.state],
  );
  return rows.map(toEntry);
}

/** Of the RESOLVED notices given, the ones whose FIRING notice of the episode was silenced (their end is not news to anyone). */
export async function resolvedOfSilenced(client: PoolClient, entries: readonly LedgerEntry[]): Promise<Set<string>> {
  const resolved = entries.filter((entry) => entry.state === 'RESOLVED');
  if (resolved.length === 0) return new Set();
  const { rows } = await client.query<{ fingerprint: string; episode: string; silence_id: string | null }>(
    `SELECT DISTINCT ON (f.fingerprint, f.episode_started_at_ms) f.fingerprint, f.episode_started_at_ms AS episode, f.silence_id
     FROM notification_ledger f JOIN unnest($1::text[], $2::bigint[]) AS k(fp, ep) ON f.fingerprint = k.fp AND f.episode_started_at_ms = k.ep
     WHERE f.state = 'FIRING' AND f.channel = $3 AND f.status IN ('sent', 'silenced', 'failed', 'superseded')
     ORDER BY f.fingerprint, f.episode_started_at_ms, f.repeat_no DESC`,
    [resolved.map((e) => e.fingerprint), resolved.map((e) => e.episodeStartedAtMs), resolved[0]?.channel],
  );
  return new Set(rows.filter((row) => row.silence_id !== null).map((row) => `${row.fingerprint}/${row.episode}`));
}

/** Sets `status` (and the silence, message id and error when given) on the listed rows; `attempt` adds one to their attempt count. */
export async function setStatus(
  db: PgPool | PoolClient,
  keys: readonly LedgerKey[],
  status: 'sending' | 'sent' | 'pending' | 'failed' | 'silenced',
  details: { silenceId?: string; messageId?: string; error?: string; dueAt?: Date; attempt?: boolean; onlyIf?: string } = {},
): Promise<number> {
  if (keys.length === 0) return 0;
  const result = await db.query(
    `UPDATE notification_ledger l SET status = $6, updated_at = now(),
       sent_at = CASE WHEN $6 = 'sent' THEN now() ELSE l.sent_at END,
       silence_id = COALESCE($7::uuid, l.silence_id),
       message_id = COALESCE($8, l.message_id),
       last_error = CASE WHEN $9::text IS NOT NULL THEN $9 WHEN $6 = 'sent' THEN NULL ELSE l.last_error END,
       due_at = COALESCE($10, l.due_at),
       attempts = l.attempts + $11
     FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[]) AS k(fp, ep, st, ch, rn)
     WHERE l.fingerprint = k.fp AND l.episode_started_at_ms = k.ep AND l.state = k.st AND l.channel = k.ch AND l.repeat_no = k.rn
       AND ($12::text IS NULL OR l.status = $12)`,
    [
      keys.map((k) => k.fingerprint),
      keys.map((k) => k.episodeStartedAtMs),
      keys.map((k) => k.state),
      keys.map((k) => k.channel),
      keys.map((k) => k.repeatNo),
      status,
      details.silenceId ?? null,
      details.messageId ?? null,
      details.error === undefined ? null : details.error.slice(0, 2000),
      details.dueAt ?? null,
      details.attempt === true ? 1 : 0,
      details.onlyIf ?? null,
    ],
  );
  return result.rowCount ?? 0;
}

/**
 * Returns to `pending` every notice left `sending` by a notifier that died mid-delivery; called by
 * the dispatcher when it becomes the only dispatcher. Those notices are sent again (at least once:
 * see dispatcher.ts). Returns how many there were.
 */
export async function recoverInterrupted(pool: PgPool): Promise<number> {
  const result = await pool.query(`UPDATE notification_ledger SET status = 'pending', due_at = now(), updated_at = now() WHERE status = 'sending'`);
  return result.rowCount ?? 0;
}

/**
 * Adds a repeat notice for every FIRING alert still in the same episode whose last FIRING notice
 * on a channel (sent or silenced) is older than `repeatIntervalMs`; returns how many were added.
 * A silenced one is looked at again so a silence that ended is noticed.
 */
export async function scheduleRepeats(pool: PgPool, repeatIntervalMs: number): Promise<number> {
  const result = await pool.query(
    `INSERT INTO notification_ledger (fingerprint, episode_started_at_ms, state, channel, repeat_no, alert_id, group_key, status, due_at)
     SELECT l.fingerprint, l.episode_started_at_ms, 'FIRING', l.channel, l.repeat_no + 1, l.alert_id, l.group_key, 'pending', now()
     FROM notification_ledger l
     JOIN notifier_alert_state s ON s.fingerprint = l.fingerprint AND s.episode_started_at_ms = l.episode_started_at_ms AND s.state = 'FIRING'
     WHERE l.state = 'FIRING' AND l.status IN ('sent', 'silenced')
       AND l.updated_at < now() - make_interval(secs => $1::double precision / 1000)
       AND NOT EXISTS (SELECT 1 FROM notification_ledger n WHERE n.fingerprint = l.fingerprint AND n.episode_started_at_ms = l.episode_started_at_ms
                         AND n.state = 'FIRING' AND n.channel = l.channel AND n.repeat_no > l.repeat_no)
     ON CONFLICT DO NOTHING`,
    [repeatIntervalMs],
  );
  return result.rowCount ?? 0;
}

/** The silences active now. */
export async function activeSilences(pool: PgPool): Promise<Silence[]> {
  const { rows } = await pool.query<{ id: string; matchers: SilenceMatcher[]; starts_at: Date; ends_at: Date }>(
    'SELECT id, matchers, starts_at, ends_at FROM silences WHERE starts_at <= now() AND ends_at > now() ORDER BY created_at, id',
  );
  return rows.map((row) => ({ id: row.id, matchers: row.matchers, startsAt: row.starts_at, endsAt: row.ends_at }));
}

interface LedgerRow {
  fingerprint: string;
  episode_started_at_ms: string;
  state: 'FIRING' | 'RESOLVED';
  channel: ChannelName;
  repeat_no: number;
  group_key: string;
  attempts: number;
  created_at: Date;
  event: AlertEvent;
}

function toEntry(row: LedgerRow): LedgerEntry {
  return {
    fingerprint: row.fingerprint,
    episodeStartedAtMs: Number(row.episode_started_at_ms),
    state: row.state,
    channel: row.channel,
    repeatNo: row.repeat_no,
    groupKey: row.group_key,
    attempts: row.attempts,
    createdAt: row.created_at,
    event: row.event,
  };
}

/** PostgreSQL text and jsonb cannot hold U+0000; a NUL from a log line becomes U+FFFD in the stored copy (keys included). */
function withoutNul(event: AlertEvent): AlertEvent {
  return JSON.stringify(event).includes('\\u0000') ? (replaceNul(event) as AlertEvent) : event;
}

function replaceNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\ufffd');
  if (Array.isArray(value)) return value.map(replaceNul);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      Object.defineProperty(out, key.replaceAll('\u0000', '\ufffd'), { value: replaceNul(inner), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
