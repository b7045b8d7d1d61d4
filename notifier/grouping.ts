/**
 * The grouping policy: alerts go out together when they share the rule and the values of the
 * configured `grouping.byLabels`, have the same state (FIRING or RESOLVED) and the same channel,
 * and arrive while the group's first alert waits out `groupWaitMs`. With the default
 * `byLabels: []`, 50 alerts of one rule across 10 services inside the window make one message per
 * channel; with `byLabels: [service]` they make 10.
 */
import type { AlertEvent } from '../schemas/log-schemas.js';
import { alertLabels } from './alert-labels.js';

/**
 * Returns the group key of `event`: `rule_id` and each of `byLabels` with its value, in the order
 * given, encoded with JSON so no label value can forge a separator. State and channel are kept
 * in their own ledger columns, not in the key.
 */
export function groupKey(event: Pick<AlertEvent, 'labels' | 'service' | 'ruleId' | 'ruleName' | 'severity' | 'kind' | 'fingerprint'>, byLabels: readonly string[]): string {
  const labels = alertLabels(event);
  const parts: Array<[string, string]> = [['rule_id', event.ruleId]];
  for (const name of byLabels) {
    if (name === 'rule_id') continue;
    parts.push([name, Object.hasOwn(labels, name) ? (labels[name] as string) : '']);
  }
  return JSON.stringify(parts);
}

/** Returns the `[label, value]` pairs of a group key made by `groupKey`, for message headers and logs. */
export function groupKeyLabels(key: string): Array<[string, string]> {
  const parsed: unknown = JSON.parse(key);
  if (!Array.isArray(parsed)) throw new TypeError('not a group key');
  return parsed.map((pair: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') throw new TypeError('not a group key');
    return [pair[0], pair[1]];
  });
}
