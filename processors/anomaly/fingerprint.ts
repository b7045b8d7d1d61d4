/**
 * Alert identities: the fingerprint names what is alerting (rule and service, the same for every
 * episode), the alert id names one transition, so consumers can deduplicate replays.
 */
import { createHash } from 'node:crypto';

/** 16 hex digits of SHA-256 over rule id and service: stable across episodes, restarts and replays. */
export function fingerprint(ruleId: string, service: string): string {
  return createHash('sha256').update(ruleId).update('\u0000').update(service).digest('hex').slice(0, 16);
}

/** 32 hex digits of SHA-256 over fingerprint, episode start and state: the same transition always gets the same id. */
export function alertId(fingerprintHex: string, episodeStartedAtMs: number, state: 'FIRING' | 'RESOLVED'): string {
  return createHash('sha256').update(`${fingerprintHex}\u0000${episodeStartedAtMs}\u0000${state}`).digest('hex').slice(0, 32);
}
