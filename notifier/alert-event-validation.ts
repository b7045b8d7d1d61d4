/**
 * Checks a decoded AlertEvent before it enters the state machine. Avro already guarantees the
 * types; this checks what Avro cannot: sizes (an alert becomes an email and a database row),
 * identities (the fingerprint keys the ledger) and times (they become dates in messages).
 * A record that fails goes to the dead-letter topic with the returned reason.
 */
import { ALERT_RULE_KINDS, type AlertEvent } from '../schemas/log-schemas.js';

const IDENTITY = /^[A-Za-z0-9_.:-]{1,128}$/;
const SEVERITIES = new Set(['INFO', 'WARNING', 'CRITICAL']);
const KINDS = new Set<string>(ALERT_RULE_KINDS);
/** Largest date JavaScript represents, in ms. */
const MAX_TIME_MS = 8_640_000_000_000_000;

/** Limits of accepted alert events. */
export const ALERT_LIMITS = {
  textChars: 1024,
  summaryChars: 4096,
  samples: 50,
  sampleMessageChars: 64 * 1024,
  labels: 64,
  labelChars: 1024,
} as const;

/** Returns why `event` is not acceptable, or undefined when it is; `key` is the record key (the fingerprint). */
export function alertEventProblem(event: AlertEvent, key: string | null): string | undefined {
  if (!IDENTITY.test(event.fingerprint)) return 'fingerprint is empty, longer than 128 characters or not [A-Za-z0-9_.:-]';
  if (!IDENTITY.test(event.alertId)) return 'alertId is empty, longer than 128 characters or not [A-Za-z0-9_.:-]';
  if (key !== null && key !== event.fingerprint) return 'record key differs from the fingerprint';
  if (event.ruleId === '' || event.ruleId.length > 256) return 'ruleId is empty or longer than 256 characters';
  for (const [name, value] of [['ruleName', event.ruleName], ['service', event.service], ['kind', event.kind], ['severity', event.severity]] as const) {
    if (value.length > ALERT_LIMITS.textChars) return `${name} is longer than ${ALERT_LIMITS.textChars} characters`;
  }
  if (event.service === '') return 'service is empty';
  if (!KINDS.has(event.kind)) return `kind ${JSON.stringify(event.kind.slice(0, 40))} is not one of ${ALERT_RULE_KINDS.join(', ')}`;
  if (!SEVERITIES.has(event.severity)) return `severity ${JSON.stringify(event.severity.slice(0, 40))} is not INFO, WARNING or CRITICAL`;
  if (event.summary.length > ALERT_LIMITS.summaryChars) return `summary is longer than ${ALERT_LIMITS.summaryChars} characters`;
  const e = event.evidence;
  for (const [name, ms] of [['episodeStartedAtMs', event.episodeStartedAtMs], ['eventTimeMs', event.eventTimeMs], ['evidence.windowStartMs', e.windowStartMs], ['evidence.windowEndMs', e.windowEndMs]] as const) {
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_TIME_MS) return `${name} is not a time in ms since 1970`;
  }
  if (e.windowEndMs < e.windowStartMs) return 'evidence window ends before it starts';
  if (e.metric.length > ALERT_LIMITS.textChars) return `evidence.metric is longer than ${ALERT_LIMITS.textChars} characters`;
  if (e.samples.length > ALERT_LIMITS.samples) return `evidence has ${e.samples.length} samples, over ${ALERT_LIMITS.samples}`;
  for (const sample of e.samples) {
    if (sample.message.length > ALERT_LIMITS.sampleMessageChars) return `a sample message is longer than ${ALERT_LIMITS.sampleMessageChars} characters`;
    if (sample.host.length > ALERT_LIMITS.textChars || sample.level.length > ALERT_LIMITS.textChars || sample.eventId.length > ALERT_LIMITS.textChars) return 'a sample host, level or eventId is too long';
    if (!Number.isSafeInteger(sample.timestampMs) || sample.timestampMs < 0 || sample.timestampMs > MAX_TIME_MS) return 'a sample timestampMs is not a time in ms since 1970';
  }
  const labels = Object.entries(event.labels);
  if (labels.length > ALERT_LIMITS.labels) return `${labels.length} labels, over ${ALERT_LIMITS.labels}`;
  for (const [name, value] of labels) {
    if (name.length > 128 || value.length > ALERT_LIMITS.labelChars) return 'a label name or value is too long';
  }
  return undefined;
}
