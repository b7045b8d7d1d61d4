/**
 * Whether a step counts as sustained, and what the ramp does next. Pure, so the rules of the
 * benchmark are tested apart from the stack.
 */

/** What a step measured that the verdict depends on. */
export interface StepFacts {
  readonly targetLogsPerS: number;
  readonly writtenLogsPerS: number;
  readonly written: number;
  readonly storedOpenSearch: number;
  readonly storedPostgres: number;
  /** Least-squares backlog slope over the second half of the step, lines/s. */
  readonly backlogSlopePerS: number;
  /** Seconds the drain took, null when it did not finish within the deadline. */
  readonly drainSeconds: number | null;
}

/**
 * Largest backlog growth still called bounded, as a share of the target rate. The backlog is
 * counted from the stores, which OpenSearch makes visible every refresh (5 s), so it moves in
 * jumps of several seconds' worth of lines and a steady pipeline still shows a slope of 1-3% of
 * the rate over half a minute; a rate the pipeline cannot carry shows tens of percent.
 */
export const MAX_SLOPE_SHARE = 0.05;
/** The backlog left at the end of a bounded step drains within this long once writing stops. */
export const MAX_DRAIN_SECONDS = 30;
/** The generator must write at least this share of the target, or the step did not test its rate. */
export const MIN_WRITTEN_SHARE = 0.95;

/** The verdict: sustained, or the reasons why not (all of them, in words). */
export function judgeStep(facts: StepFacts): { sustained: boolean; reason: string | null } {
  const reasons: string[] = [];
  const maxSlope = MAX_SLOPE_SHARE * facts.targetLogsPerS;
  if (facts.backlogSlopePerS > maxSlope) {
    reasons.push(`backlog grew ${Math.round(facts.backlogSlopePerS)} lines/s (limit ${Math.round(maxSlope)})`);
  }
  if (facts.writtenLogsPerS < MIN_WRITTEN_SHARE * facts.targetLogsPerS) {
    reasons.push(`generator wrote only ${Math.round(facts.writtenLogsPerS)} lines/s`);
  }
  for (const [store, stored] of [['OpenSearch', facts.storedOpenSearch], ['PostgreSQL', facts.storedPostgres]] as const) {
    if (stored < facts.written) reasons.push(`${facts.written - stored} lines missing in ${store}`);
    if (stored > facts.written) reasons.push(`${stored - facts.written} lines too many in ${store}`);
  }
  if (facts.drainSeconds === null) reasons.push('backlog not drained before the deadline');
  else if (facts.drainSeconds > MAX_DRAIN_SECONDS) reasons.push(`backlog took ${Math.round(facts.drainSeconds)} s to drain (limit ${MAX_DRAIN_SECONDS} s)`);
  if (facts.written === 0) reasons.push('nothing written');
  return reasons.length === 0 ? { sustained: true, reason: null } : { sustained: false, reason: reasons.join('; ') };
}

/** The next thing the ramp runs: a ramp step, a confirmation run, or the end with the figure found. */
export type RampAction =
  | { readonly kind: 'step'; readonly rate: number }
  | { readonly kind: 'confirm'; readonly rate: number; readonly attempt: number }
  | { readonly kind: 'done'; readonly sustainedLogsPerS: number };

/** What has happened so far. */
export interface RampHistory {
  readonly ramp: readonly { readonly targetLogsPerS: number; readonly sustained: boolean }[];
  readonly confirmations: readonly { readonly targetLogsPerS: number; readonly sustained: boolean }[];
}

/** Share the rate drops by when the confirmation run fails: one retry at 80%. */
export const CONFIRM_STEP_DOWN = 0.2;
/** Refinement stops once the gap between the best held and the lowest failed rate is this share of the failed one. */
export const REFINE_MIN_GAP_SHARE = 0.1;
/** Refinement rates are multiples of this many lines/s. */
export const REFINE_ROUNDING = 100;

/**
 * Ramp through `rates` until a step is not sustained; then narrow the gap between the highest
 * held rate (0 when none held) and the lowest failed one by bisection, at most `refineSteps`
 * steps, so a coarse ramp (2,000 then 4,000) still finds the figure in between; then confirm the
 * highest sustained rate with one long run; if that fails, retry once 20% lower. The figure is the
 * rate a confirmation run held (0 when none did).
 */
export function nextRampAction(rates: readonly number[], history: RampHistory, refineSteps = 0): RampAction {
  const { ramp, confirmations } = history;
  const firstFailure = ramp.findIndex((step) => !step.sustained);
  if (firstFailure === -1 && ramp.length < rates.length) return { kind: 'step', rate: rates[ramp.length]! };
  const best = ramp.filter((step) => step.sustained).reduce((max, step) => Math.max(max, step.targetLogsPerS), 0);
  if (firstFailure !== -1 && confirmations.length === 0) {
    const refined = ramp.length - firstFailure - 1;
    const failed = ramp.filter((step) => !step.sustained && step.targetLogsPerS > best).reduce((min, step) => Math.min(min, step.targetLogsPerS), Infinity);
    const middle = Math.round((best + failed) / 2 / REFINE_ROUNDING) * REFINE_ROUNDING;
    const worthIt = failed - best > REFINE_MIN_GAP_SHARE * failed && middle > best && middle < failed;
    if (refined < refineSteps && worthIt) return { kind: 'step', rate: middle };
  }
  const held = confirmations.find((run) => run.sustained);
  if (held !== undefined) return { kind: 'done', sustainedLogsPerS: held.targetLogsPerS };
  if (best === 0) return { kind: 'done', sustainedLogsPerS: 0 };
  if (confirmations.length === 0) return { kind: 'confirm', rate: best, attempt: 1 };
  if (confirmations.length === 1) return { kind: 'confirm', rate: Math.round(best * (1 - CONFIRM_STEP_DOWN)), attempt: 2 };
  return { kind: 'done', sustainedLogsPerS: 0 };
}
