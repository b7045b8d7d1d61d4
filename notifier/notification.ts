/**
 * What a channel delivers: one message about a group of alerts in the same state. Built by the
 * dispatcher from ledger rows; channels only render and send it.
 */
import { createHash } from 'node:crypto';
import type { AlertEvent } from '../schemas/log-schemas.js';

/** One message's worth of alerts. */
export interface Notification {
  /** Stable id of this message (same alerts, same transition → same id); the email Message-ID and the webhook idempotency key. */
  readonly id: string;
  readonly state: 'FIRING' | 'RESOLVED';
  /** The group key (see grouping.ts). */
  readonly groupKey: string;
  /** The grouping labels and their values, rule_id first. */
  readonly groupLabels: ReadonlyArray<readonly [string, string]>;
  /** The alerts, sorted by service then fingerprint. */
  readonly alerts: readonly AlertEvent[];
  /** True when this is a repeat of a FIRING notice (the repeat interval passed). */
  readonly repeat: boolean;
}

/** One alert's place in the ledger, enough to identify its notice. */
export interface NoticeIdentity {
  readonly fingerprint: string;
  readonly episodeStartedAtMs: number;
  readonly repeatNo: number;
}

/** Returns the message id of a group: a hash of its state, group key and alert notices, so a resent message keeps its id. */
export function notificationId(state: string, key: string, notices: readonly NoticeIdentity[]): string {
  const hash = createHash('sha256').update(state).update('\0').update(key);
  const sorted = [...notices].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.episodeStartedAtMs - b.episodeStartedAtMs || a.repeatNo - b.repeatNo));
  for (const notice of sorted) hash.update('\0').update(`${notice.fingerprint}/${notice.episodeStartedAtMs}/${notice.repeatNo}`);
  return hash.digest('hex').slice(0, 32);
}

/** Orders alerts for display: by service, then fingerprint. */
export function sortAlerts(alerts: readonly AlertEvent[]): AlertEvent[] {
  return [...alerts].sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
}
