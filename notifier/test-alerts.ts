/**
 * Alert events for the notifier's unit and integration tests: one realistic FIRING event, and
 * variations of it.
 */
import { createHash } from 'node:crypto';
import type { AlertEvent } from '../schemas/log-schemas.js';

/** 10:00 UTC on 2026-12-01, the start of every test episode unless overridden. */
export const T0 = Date.UTC(2026, 11, 1, 10, 0);

/** Returns the fingerprint the pipeline would give `ruleId` on `service` (16 hex digits). */
export function fingerprintOf(ruleId: string, service: string, extra = ''): string {
  return createHash('sha256').update(`${ruleId}\0${service}\0${extra}`).digest('hex').slice(0, 16);
}

/** A FIRING error-spike alert of rule `r-errors` on `checkout`, with two sample lines; `overrides` replace top-level fields. */
export function firingAlert(overrides: Partial<AlertEvent> = {}): AlertEvent {
  const ruleId = overrides.ruleId ?? 'r-errors';
  const service = overrides.service ?? 'checkout';
  const fingerprint = overrides.fingerprint ?? fingerprintOf(ruleId, service);
  const episodeStartedAtMs = overrides.episodeStartedAtMs ?? T0;
  const state = overrides.state ?? 'FIRING';
  const base: AlertEvent = {
    alertId: createHash('sha256').update(`${fingerprint}/${episodeStartedAtMs}/${state}`).digest('hex').slice(0, 32),
    fingerprint,
    state,
    ruleId,
    ruleName: 'Checkout errors',
    kind: 'ERROR_SPIKE',
    severity: 'CRITICAL',
    service,
    episodeStartedAtMs,
    eventTimeMs: episodeStartedAtMs + 60_000,
    summary: `${service}: 240 errors in 1m (baseline 12 ± 3, z=76 > 4)`,
    evidence: {
      windowStartMs: episodeStartedAtMs,
      windowEndMs: episodeStartedAtMs + 60_000,
      metric: 'error_count',
      observedValue: 240,
      baselineMean: 12.345678,
      baselineStdDev: 3,
      threshold: 4,
      score: 76,
      samples: [
        { eventId: 'e1', timestampMs: episodeStartedAtMs + 1000, host: 'web-1', level: 'ERROR', message: '<script>alert("x")</script> & done', latencyMs: null },
        { eventId: 'e2', timestampMs: episodeStartedAtMs + 2000, host: 'web-2', level: 'ERROR', message: 'line1\r\nSearch: http://evil', latencyMs: 12.5 },
      ],
    },
    labels: { service, team: 'payments' },
  };
  return { ...base, ...overrides, fingerprint, ruleId, service, state, episodeStartedAtMs };
}

/** The RESOLVED event closing the episode of `firing`. */
export function resolvedAlert(firing: AlertEvent): AlertEvent {
  return {
    ...firing,
    state: 'RESOLVED',
    alertId: createHash('sha256').update(`${firing.fingerprint}/${firing.episodeStartedAtMs}/RESOLVED`).digest('hex').slice(0, 32),
    eventTimeMs: firing.eventTimeMs + 300_000,
    summary: `${firing.service}: errors back to baseline`,
    evidence: { ...firing.evidence, windowStartMs: firing.eventTimeMs + 240_000, windowEndMs: firing.eventTimeMs + 300_000, observedValue: 10, samples: [] },
  };
}
