/**
 * Semantic checks of an alert rule beyond its Avro schema: the params of its kind are present and in
 * range, and its window size is one the pipeline counts. A rule that fails is skipped (logged and
 * counted by anomaly-detect), never evaluated with nonsense values and never allowed to crash.
 */
import type { AlertRule } from '../../schemas/log-schemas.js';

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const positiveInt = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 1;

/** The problems of `rule` (empty when it can be evaluated); `windowSizesMs` are the sizes window-count emits. */
export function ruleProblems(rule: AlertRule, windowSizesMs: readonly number[]): string[] {
  const problems: string[] = [];
  if (typeof rule !== 'object' || rule === null) return ['rule is not an object'];
  if (typeof rule.id !== 'string' || rule.id === '') problems.push('id is empty');
  if (typeof rule.name !== 'string') problems.push('name is missing');
  if (!windowSizesMs.includes(rule.windowSizeMs)) problems.push(`windowSizeMs ${String(rule.windowSizeMs)} is not a counted window size (${windowSizesMs.join(', ')})`);
  if (!positiveInt(rule.resolveAfterWindows)) problems.push(`resolveAfterWindows ${String(rule.resolveAfterWindows)} must be an integer >= 1`);
  if (rule.service !== null && typeof rule.service !== 'string') problems.push('service must be a string or null');
  switch (rule.kind) {
    case 'ERROR_SPIKE': {
      const p = rule.errorSpike;
      if (!p) return [...problems, 'ERROR_SPIKE rule without errorSpike params'];
      if (!finite(p.zScoreThreshold) || p.zScoreThreshold <= 0) problems.push('errorSpike.zScoreThreshold must be > 0');
      if (!finite(p.minCount) || p.minCount < 0) problems.push('errorSpike.minCount must be >= 0');
      if (!positiveInt(p.fireAfterWindows)) problems.push('errorSpike.fireAfterWindows must be an integer >= 1');
      if (!finite(p.ewmaAlpha) || p.ewmaAlpha <= 0 || p.ewmaAlpha > 1) problems.push('errorSpike.ewmaAlpha must be in (0, 1]');
      if (!Number.isSafeInteger(p.warmupWindows) || p.warmupWindows < 1) problems.push('errorSpike.warmupWindows must be an integer >= 1');
      break;
    }
    case 'LATENCY_ANOMALY': {
      const p = rule.latencyAnomaly;
      if (!p) return [...problems, 'LATENCY_ANOMALY rule without latencyAnomaly params'];
      if (!['P50', 'P95', 'P99'].includes(p.quantile)) problems.push(`latencyAnomaly.quantile ${String(p.quantile)} is not P50, P95 or P99`);
      if (!finite(p.ratioThreshold) || p.ratioThreshold <= 0) problems.push('latencyAnomaly.ratioThreshold must be > 0');
      if (!finite(p.floorMs) || p.floorMs < 0) problems.push('latencyAnomaly.floorMs must be >= 0');
      if (!positiveInt(p.fireAfterWindows)) problems.push('latencyAnomaly.fireAfterWindows must be an integer >= 1');
      if (!finite(p.ewmaAlpha) || p.ewmaAlpha <= 0 || p.ewmaAlpha > 1) problems.push('latencyAnomaly.ewmaAlpha must be in (0, 1]');
      if (!Number.isSafeInteger(p.warmupWindows) || p.warmupWindows < 1) problems.push('latencyAnomaly.warmupWindows must be an integer >= 1');
      break;
    }
    case 'THRESHOLD': {
      const p = rule.threshold;
      if (!p) return [...problems, 'THRESHOLD rule without threshold params'];
      if (!['COUNT', 'ERROR_COUNT', 'ERROR_RATIO'].includes(p.metric)) problems.push(`threshold.metric ${String(p.metric)} is unknown`);
      if (!['ABOVE', 'BELOW'].includes(p.comparison)) problems.push(`threshold.comparison ${String(p.comparison)} is unknown`);
      if (!finite(p.value)) problems.push('threshold.value must be a finite number');
      if (!positiveInt(p.fireAfterWindows)) problems.push('threshold.fireAfterWindows must be an integer >= 1');
      break;
    }
    case 'ABSENCE': {
      const p = rule.absence;
      if (!p) return [...problems, 'ABSENCE rule without absence params'];
      if (!Number.isSafeInteger(p.absentForMs) || p.absentForMs <= rule.windowSizeMs) problems.push(`absence.absentForMs must be an integer above the window size (${String(rule.windowSizeMs)} ms): a service is only heard of when its windows close`);
      break;
    }
    default:
      problems.push(`unknown kind ${String(rule.kind)}`);
  }
  return problems;
}
