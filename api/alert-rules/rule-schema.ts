import { z } from 'zod';
import { ALERT_RULE_KINDS, type AlertRule } from '../../schemas/log-schemas.js';

// Mirrors schemas/avro/alert-rule.avsc field for field, with the same defaults; bounds keep values
// inside Avro int/long and away from nonsense (a 0 window, a negative alpha).
const fireAfterWindows = z.number().int().min(1).max(1000).default(1);
const ewmaAlpha = z.number().gt(0).max(1).default(0.1);
const warmupWindows = z.number().int().min(1).max(10_000).default(5);

/** ERROR_SPIKE params. */
export const errorSpikeSchema = z
  .object({ zScoreThreshold: z.number().gt(0).max(1e6).default(4), minCount: z.number().int().min(0).max(1e12).default(10), fireAfterWindows, ewmaAlpha, warmupWindows })
  .strict();
/** LATENCY_ANOMALY params. */
export const latencyAnomalySchema = z
  .object({ quantile: z.enum(['P50', 'P95', 'P99']).default('P95'), ratioThreshold: z.number().gt(0).max(1e6).default(3), floorMs: z.number().min(0).max(1e9).default(100), fireAfterWindows, ewmaAlpha, warmupWindows })
  .strict();
/** THRESHOLD params. */
export const thresholdSchema = z
  .object({ metric: z.enum(['COUNT', 'ERROR_COUNT', 'ERROR_RATIO']), comparison: z.enum(['ABOVE', 'BELOW']).default('ABOVE'), value: z.number().min(-1e15).max(1e15), fireAfterWindows })
  .strict();
/** ABSENCE params. */
export const absenceSchema = z.object({ absentForMs: z.number().int().min(1000).max(30 * 86_400_000).default(300_000) }).strict();

const PARAMS_OF = { ERROR_SPIKE: 'errorSpike', LATENCY_ANOMALY: 'latencyAnomaly', THRESHOLD: 'threshold', ABSENCE: 'absence' } as const;

/** A rule id: the topic key, so short and plain. */
export const ruleIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'letters, digits, dot, underscore and dash, at most 128');

/** The body of a rule create or replace: the AlertRule fields the client sets (id optional on create; updatedAtMs is set by the API). */
export const ruleInputSchema = z
  .object({
    id: ruleIdSchema.optional(),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).nullable().default(null),
    kind: z.enum(ALERT_RULE_KINDS),
    enabled: z.boolean().default(true),
    severity: z.enum(['INFO', 'WARNING', 'CRITICAL']),
    service: z.string().min(1).max(256).regex(/^[^\p{Cc}]+$/u, 'must not contain control characters').nullable().default(null),
    windowSizeMs: z.number().int().min(1000).max(86_400_000).default(60_000),
    resolveAfterWindows: z.number().int().min(1).max(1000).default(1),
    errorSpike: errorSpikeSchema.nullable().default(null),
    latencyAnomaly: latencyAnomalySchema.nullable().default(null),
    threshold: thresholdSchema.nullable().default(null),
    absence: absenceSchema.nullable().default(null),
    labels: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a label name'), z.string().max(256))
      .refine((labels) => Object.keys(labels).length <= 32, 'at most 32 labels')
      .default({}),
  })
  .strict()
  .superRefine((rule, ctx) => {
    for (const [kind, key] of Object.entries(PARAMS_OF)) {
      const present = rule[key] !== null;
      if (kind === rule.kind && !present) ctx.addIssue({ code: 'custom', path: [key], message: `a ${kind} rule needs ${key} params (an empty object takes the defaults)` });
      if (kind !== rule.kind && present) ctx.addIssue({ code: 'custom', path: [key], message: `only the params of kind ${rule.kind} may be set` });
    }
  });

/** A validated rule body. */
export type RuleInput = z.output<typeof ruleInputSchema>;

/** The AlertRule value published for `input` under `id` at `nowMs`. */
export function toAlertRule(input: RuleInput, id: string, nowMs: number): AlertRule {
  return {
    id,
    name: input.name,
    description: input.description,
    kind: input.kind,
    enabled: input.enabled,
    severity: input.severity,
    service: input.service,
    windowSizeMs: input.windowSizeMs,
    resolveAfterWindows: input.resolveAfterWindows,
    errorSpike: input.errorSpike,
    latencyAnomaly: input.latencyAnomaly,
    threshold: input.threshold,
    absence: input.absence,
    labels: input.labels,
    updatedAtMs: nowMs,
  };
}
