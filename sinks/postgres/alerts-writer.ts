/**
 * The alerts writer (sink name `postgres-alerts`): every event goes into `alert_events` (history,
 * idempotent on alert_id) and moves `alert_state` (one row per fingerprint) forward. The state only
 * moves forward: an event applies when (episode start, event time, RESOLVED after FIRING) is later
 * than what the row holds, so a redelivered or replayed RESOLVED of an older episode never touches
 * the current one, and a new episode clears the acknowledgement of the previous one.
 */
import type { Logger } from '../../lib/logger.js';
import { InvalidInputError } from '../../lib/errors.js';
import type { AlertEvent } from '../../schemas/log-schemas.js';
import type { SinkItemResult, SinkRecord, SinkWriter } from '../runner/sink-writer.js';
import { checkPostgresStore } from './health-check.js';
import { isoTimestamp } from './log-row.js';
import { classifyPgError } from './pg-errors.js';
import type { PostgresStore } from './postgres-store.js';
import { indexedText, jsonbText, withoutNul } from './text-encoding.js';

/** Options of createAlertsWriter. */
export interface AlertsWriterOptions {
  readonly store: PostgresStore;
  readonly logger: Logger;
  /** Sink name; default `postgres-alerts`. */
  readonly name?: string;
}

const STATES = new Set(['FIRING', 'RESOLVED']);

function toParams(event: AlertEvent): unknown[] {
  if (!STATES.has(event.state)) throw new InvalidInputError(`alert state ${JSON.stringify(event.state)} is neither FIRING nor RESOLVED`, 'bad state');
  const alertId = indexedText(event.alertId);
  if (alertId === '' || alertId !== event.alertId) throw new InvalidInputError('alert id is empty, too long or holds NUL', 'bad alert id');
  return [
    alertId,
    indexedText(event.fingerprint),
    event.state,
    indexedText(event.ruleId),
    withoutNul(event.ruleName),
    indexedText(event.kind),
    indexedText(event.severity),
    indexedText(event.service),
    isoTimestamp(event.episodeStartedAtMs, 'episodeStartedAtMs'),
    isoTimestamp(event.eventTimeMs, 'eventTimeMs'),
    withoutNul(event.summary),
    jsonbText(event.evidence),
    jsonbText(event.labels),
  ];
}

const INSERT_EVENT = `INSERT INTO alert_events (alert_id, fingerprint, state, rule_id, rule_name, kind, severity, service,
  episode_started_at, event_time, summary, evidence, labels)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb)
  ON CONFLICT (alert_id) DO NOTHING RETURNING alert_id`;

const UPSERT_STATE = `INSERT INTO alert_state AS s (last_alert_id, fingerprint, state, rule_id, rule_name, kind, severity, service,
  episode_started_at, last_event_time, summary, evidence, labels)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb)
  ON CONFLICT (fingerprint) DO UPDATE SET
    state = EXCLUDED.state, rule_id = EXCLUDED.rule_id, rule_name = EXCLUDED.rule_name, kind = EXCLUDED.kind,
    severity = EXCLUDED.severity, service = EXCLUDED.service, episode_started_at = EXCLUDED.episode_started_at,
    last_event_time = EXCLUDED.last_event_time, last_alert_id = EXCLUDED.last_alert_id, summary = EXCLUDED.summary,
    evidence = EXCLUDED.evidence, labels = EXCLUDED.labels,
    acknowledged_by = CASE WHEN EXCLUDED.episode_started_at > s.episode_started_at THEN NULL ELSE s.acknowledged_by END,
    acknowledged_at = CASE WHEN EXCLUDED.episode_started_at > s.episode_started_at THEN NULL ELSE s.acknowledged_at END
  WHERE (EXCLUDED.episode_started_at, EXCLUDED.last_event_time, EXCLUDED.state = 'RESOLVED')
      > (s.episode_started_at, s.last_event_time, s.state = 'RESOLVED')`;

/** Returns the alerts writer; it takes a reference on `store` and releases it on close. */
export function createAlertsWriter({ store, logger, name = 'postgres-alerts' }: AlertsWriterOptions): SinkWriter<AlertEvent> {
  store.retain();
  const log = logger.child({ writer: name });
  return {
    name,
    start: () => store.prepare(),
    async write(records: readonly SinkRecord<AlertEvent>[]): Promise<SinkItemResult[]> {
      const results: SinkItemResult[] = [];
      const params: (unknown[] | undefined)[] = records.map((record, i) => {
        try {
          return toParams(record.value);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          results[i] = { status: 'rejected', reason: error.message };
          return undefined;
        }
      });
      const client = await store.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        // Alerts are few; one statement pair per event keeps the ordering rules in SQL simple and exact.
        for (let i = 0; i < records.length; i += 1) {
          const values = params[i];
          if (values === undefined) continue;
          const inserted = await client.query(INSERT_EVENT, values);
          await client.query(UPSERT_STATE, values);
          results[i] = { status: inserted.rowCount === 1 ? 'stored' : 'duplicate' };
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        const classified = classifyPgError(error, `writing ${records.length} alert events`);
        if (classified.retriable) broken = classified;
        throw classified;
      } finally {
        client.release(broken);
      }
      log.debug({ events: records.length }, 'alert events written');
      return results;
    },
    checkReady: () => checkPostgresStore(store),
    close: () => store.release(),
  };
}
