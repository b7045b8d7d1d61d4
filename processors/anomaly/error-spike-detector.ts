/**
 * ERROR_SPIKE: errors (ERROR + FATAL) per window against an EWMA baseline of the same count. The
 * z-score's deviation is floored at sqrt(mean) + 1: sqrt(mean) is the Poisson noise of a count (a
 * flat baseline with variance 0 would otherwise turn one extra error into an infinite z-score), and
 * the +1 covers the fatter upper tail of small counts, which a z-score threshold assumes normal:
 * with mean 4 and z > 4 it takes 17 errors, a 1-in-a-million window under Poisson noise.
 */
import type { AlertRule } from '../../schemas/log-schemas.js';
import type { ServiceWindow } from '../stats/service-window.js';
import type { DetectorState } from './detector-state.js';
import { ewmaStdDev, updateEwma } from './ewma.js';
import { formatDuration, formatNumber, type Judgement, type WindowDetector } from './window-detector.js';

/** The ERROR_SPIKE detector; see the file header. */
export const errorSpikeDetector: WindowDetector = {
  fireAfterWindows: (rule) => rule.errorSpike!.fireAfterWindows,

  judge(rule: AlertRule, state: DetectorState, window: ServiceWindow): Judgement | undefined {
    const p = rule.errorSpike!;
    if (state.baseline.n < p.warmupWindows) return undefined;
    const errors = window.errorCount;
    const { mean } = state.baseline;
    const stdDev = ewmaStdDev(state.baseline);
    const deviation = Math.max(stdDev, Math.sqrt(Math.max(mean, 0)) + 1);
    const z = (errors - mean) / deviation;
    const anomalous = errors >= p.minCount && z > p.zScoreThreshold;
    return {
      anomalous,
      metric: 'error_count',
      observedValue: errors,
      baselineMean: mean,
      baselineStdDev: stdDev,
      threshold: p.zScoreThreshold,
      score: z,
      samples: window.samples.errors,
      summary: `${window.service}: ${errors} errors in ${formatDuration(window.windowSizeMs)} (baseline ${formatNumber(mean)} ± ${formatNumber(stdDev)}, z=${formatNumber(z)} ${z > p.zScoreThreshold ? '>' : '<='} ${formatNumber(p.zScoreThreshold)})`,
    };
  },

  learn(rule: AlertRule, state: DetectorState, window: ServiceWindow): void {
    updateEwma(state.baseline, window.errorCount, rule.errorSpike!.ewmaAlpha);
  },
};
