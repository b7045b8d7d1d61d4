/**
 * The alert rules that go with the demo log source: request bodies of `POST /api/v1/alert-rules`
 * with fixed ids, so installing them twice finds them in place instead of duplicating them.
 *
 * Thresholds are matched to the demo's incidents (bench/generator/incidents.ts: one service at a
 * time, at least 40% ERROR lines and 5x latency for 60 s, every 5 minutes) and to its volume at
 * the local stack's 200 lines/s; demo-alert-rules.test.ts runs the generator through the parser,
 * enrich, window-count and anomaly-detect to show they fire on those incidents and stay quiet
 * between them. All rules use 10 s windows so that an incident is caught within a few windows,
 * and a short warm-up (50 s of baseline) so that even the first incident after a start counts.
 *
 * sshd writes RFC 3164 syslog without a priority, so its lines carry no level and no latency:
 * no rule can see its incidents (they still show in the dashboard's volume by pattern).
 */
import type { z } from 'zod';
import type { ruleInputSchema } from '../../api/alert-rules/rule-schema.js';

/** A demo rule: a create body with its fixed id. */
export type DemoAlertRule = z.input<typeof ruleInputSchema> & { readonly id: string };

/** Labels every demo rule carries, so its alerts and emails say where they come from. */
const DEMO_LABELS = { source: 'sawmill-demo' } as const;

/** The demo's alert rules, created by `sawmill demo` when it is given the API (see demo.ts). */
export const DEMO_ALERT_RULES: readonly DemoAlertRule[] = [
  {
    id: 'demo-error-spike',
    name: 'Demo: error spike',
    description:
      'Errors per 10 s window of any service against its own EWMA baseline. Normal demo traffic has 1-2% ERROR lines; ' +
      'an incident turns at least 40% of its service\'s lines into errors, a z-score far above 4.',
    kind: 'ERROR_SPIKE',
    severity: 'WARNING',
    service: null,
    windowSizeMs: 10_000,
    resolveAfterWindows: 3,
    errorSpike: { zScoreThreshold: 4, minCount: 10, fireAfterWindows: 1, ewmaAlpha: 0.1, warmupWindows: 5 },
    labels: { ...DEMO_LABELS },
  },
  {
    id: 'demo-latency-p50',
    name: 'Demo: median latency',
    description:
      'Median latency per 10 s window of any service against its EWMA baseline. An incident multiplies its service\'s ' +
      'latencies by 5; the median ignores the few 5-60 s timeouts normal traffic carries, on which a p99 rule fires between incidents.',
    kind: 'LATENCY_ANOMALY',
    severity: 'WARNING',
    service: null,
    windowSizeMs: 10_000,
    resolveAfterWindows: 3,
    latencyAnomaly: { quantile: 'P50', ratioThreshold: 3, floorMs: 100, fireAfterWindows: 2, ewmaAlpha: 0.1, warmupWindows: 5 },
    labels: { ...DEMO_LABELS },
  },
  {
    id: 'demo-checkout-error-ratio',
    name: 'Demo: checkout failing',
    description: 'More than 20% of checkout\'s lines are errors for 20 s (normally about 2%): customers cannot pay.',
    kind: 'THRESHOLD',
    severity: 'CRITICAL',
    service: 'checkout',
    windowSizeMs: 10_000,
    resolveAfterWindows: 3,
    threshold: { metric: 'ERROR_RATIO', comparison: 'ABOVE', value: 0.2, fireAfterWindows: 2 },
    labels: { ...DEMO_LABELS, team: 'payments' },
  },
];
