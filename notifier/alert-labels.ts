/**
 * The labels silences match and groups split on: the alert's own labels (the rule's labels plus
 * `service`) with the alert's identity added under reserved names, which win over rule labels of
 * the same name so a rule cannot disguise itself as another.
 */
import type { AlertEvent } from '../schemas/log-schemas.js';

/** Label names the notifier derives from the event itself. */
export const DERIVED_LABELS = ['service', 'rule_id', 'rule_name', 'severity', 'kind', 'fingerprint'] as const;

/** Returns the matchable labels of `event`: its labels plus service, rule_id, rule_name, severity, kind and fingerprint. */
export function alertLabels(event: Pick<AlertEvent, 'labels' | 'service' | 'ruleId' | 'ruleName' | 'severity' | 'kind' | 'fingerprint'>): Record<string, string> {
  // A null-prototype object: label names come from users, and `__proto__` must stay a plain key.
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(event.labels)) labels[name] = value;
  labels['service'] = event.service;
  labels['rule_id'] = event.ruleId;
  labels['rule_name'] = event.ruleName;
  labels['severity'] = event.severity;
  labels['kind'] = event.kind;
  labels['fingerprint'] = event.fingerprint;
  return labels;
}
