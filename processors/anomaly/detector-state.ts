/**
 * The state anomaly-detect keeps per (rule, service) in its key-value store (logged to a changelog,
 * so a restart keeps baselines and open episodes): the baseline, the current streaks, the episode
 * and the evidence of the last decision.
 */
import { z } from 'zod';
import type { AlertEvidence, AlertSeverity } from '../../schemas/log-schemas.js';
import type { Ewma } from './ewma.js';

/** An open episode: FIRING was sent, RESOLVED not yet. */
export interface Episode {
  startedAtMs: number;
  /** The rule's name, severity and labels when the episode fired (RESOLVED needs them after a rule is deleted). */
  ruleName: string;
  severity: AlertSeverity;
  labels: Record<string, string>;
  /** Evidence of the last window judged during the episode (used when the rule disappears). */
  lastEvidence: AlertEvidence;
}

/** The state of one rule for one service. */
export interface DetectorState {
  ruleId: string;
  service: string;
  /** The rule's kind when the state was made; a rule whose kind changes starts over. */
  kind: string;
  baseline: Ewma;
  /** Consecutive anomalous windows (outside an episode). */
  anomalousStreak: number;
  /** Start of the first window of the current anomalous streak. */
  streakStartMs: number | null;
  /** Consecutive healthy windows during an episode. */
  healthyStreak: number;
  episode: Episode | null;
  /** Start of the newest window judged: older or repeated windows are ignored (no double counting on replays). */
  lastWindowStartMs: number;
  /** Newest ingest time of the service (ABSENCE). */
  lastSeenMs: number;
}

/** A fresh state. */
export function newDetectorState(ruleId: string, service: string, kind: string): DetectorState {
  return { ruleId, service, kind, baseline: { n: 0, mean: 0, variance: 0 }, anomalousStreak: 0, streakStartMs: null, healthyStreak: 0, episode: null, lastWindowStartMs: -1, lastSeenMs: 0 };
}

const sampleSchema = z.object({ eventId: z.string(), timestampMs: z.number(), host: z.string(), level: z.string(), message: z.string(), latencyMs: z.number().nullable() }).strict();
const evidenceSchema = z
  .object({
    windowStartMs: z.number(),
    windowEndMs: z.number(),
    metric: z.string(),
    observedValue: z.number(),
    baselineMean: z.number().nullable(),
    baselineStdDev: z.number().nullable(),
    threshold: z.number(),
    score: z.number().nullable(),
    samples: z.array(sampleSchema).max(5),
  })
  .strict();

/** Zod schema of DetectorState (the store's JSON serde validates with it). */
export const detectorStateSchema: z.ZodType<DetectorState> = z
  .object({
    ruleId: z.string(),
    service: z.string(),
    kind: z.string(),
    baseline: z.object({ n: z.number().int().nonnegative(), mean: z.number(), variance: z.number() }).strict(),
    anomalousStreak: z.number().int().nonnegative(),
    streakStartMs: z.number().nullable(),
    healthyStreak: z.number().int().nonnegative(),
    episode: z
      .object({ startedAtMs: z.number(), ruleName: z.string(), severity: z.enum(['INFO', 'WARNING', 'CRITICAL']), labels: z.record(z.string(), z.string()), lastEvidence: evidenceSchema })
      .strict()
      .nullable(),
    lastWindowStartMs: z.number(),
    lastSeenMs: z.number(),
  })
  .strict();

/** Store key of the state of `ruleId` for `service`. */
export function detectorStateKey(ruleId: string, service: string): string {
  return `${ruleId}\u0001${service}`;
}
