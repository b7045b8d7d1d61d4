/**
 * Builds the AlertEvent of an episode transition: identities from fingerprint.ts, the rule's name,
 * severity and labels as they were when the episode fired, and the evidence of the deciding window.
 */
import type { AlertEvent, AlertEvidence, AlertRuleKind } from '../../schemas/log-schemas.js';
import type { Episode } from './detector-state.js';
import { alertId, fingerprint } from './fingerprint.js';

/** What a transition is about. */
export interface Transition {
  state: 'FIRING' | 'RESOLVED';
  ruleId: string;
  kind: AlertRuleKind;
  service: string;
  episode: Episode;
  eventTimeMs: number;
  summary: string;
  evidence: AlertEvidence;
}

/** The AlertEvent of `transition` (labels = the rule's labels plus `service`; RESOLVED carries no samples). */
export function buildAlertEvent(transition: Transition): AlertEvent {
  const fp = fingerprint(transition.ruleId, transition.service);
  const evidence = transition.state === 'RESOLVED' ? { ...transition.evidence, samples: [] } : transition.evidence;
  return {
    alertId: alertId(fp, transition.episode.startedAtMs, transition.state),
    fingerprint: fp,
    state: transition.state,
    ruleId: transition.ruleId,
    ruleName: transition.episode.ruleName,
    kind: transition.kind,
    severity: transition.episode.severity,
    service: transition.service,
    episodeStartedAtMs: transition.episode.startedAtMs,
    eventTimeMs: transition.eventTimeMs,
    summary: transition.summary,
    evidence,
    labels: { ...transition.episode.labels, service: transition.service },
  };
}
