/**
 * LATENCY_ANOMALY: a latency quantile of the window against its EWMA baseline. Anomalous when the
 * ratio to the baseline mean exceeds the threshold and the observed value is at least the floor
 * (so 2 ms -> 7 ms is not an incident). Windows without latencies are not judged.
 */
import type { AlertRule } from '../../schemas/log-schemas.js';
import type { ServiceWindow, WindowLatency } from '../stats/service-window.js';
import type { DetectorState } from './detector-state.js';
import { ewmaStdDev, updateEwma } from './ewma.js';
import { formatDuration, formatNumber, type Judgement, type WindowDetector } from './window-detector.js';

function observed(rule: AlertRule, latency: WindowLatency): number {
  const q = rule.latencyAnomaly!.quantile;
  return q === 'P50' ? latency.p50Ms : q === 'P95' ? latency.p95Ms : latency.p99Ms;
}

/** The LATENCY_ANOMALY detector; see the file header. */
export const latencyAnomalyDetector: WindowDetector = {
  fireAfterWindows: (rule) => rule.latencyAnomaly!.fireAfterWindows,

  judge(rule: AlertRule, state: DetectorState, window: ServiceWindow): Judgement | undefined {
    const p = rule.latencyAnomaly!;
    if (window.latency === null || state.baseline.n < p.warmupWindows) return undefined;
    const value = observed(rule, window.latency);
    const { mean } = state.baseline;
    const ratio = mean > 0 ? value / mean : value > 0 ? Number.POSITIVE_INFINITY : 1;
    const anomalous = ratio > p.ratioThreshold && value >= p.floorMs;
    const name = p.quantile.toLowerCase();
    return {
      anomalous,
      metric: `latency_${name}_ms`,
      observedValue: value,
      baselineMean: mean,
      baselineStdDev: ewmaStdDev(state.baseline),
      threshold: p.ratioThreshold,
      score: Number.isFinite(ratio) ? ratio : null,
      samples: window.samples.slowest,
      summary: `${window.service}: ${name} latency ${formatNumber(value)}ms in ${formatDuration(window.windowSizeMs)} is ${formatNumber(ratio)}x its baseline ${formatNumber(mean)}ms (threshold ${formatNumber(p.ratioThreshold)}x, floor ${formatNumber(p.floorMs)}ms)`,
    };
  },

  learn(rule: AlertRule, state: DetectorState, window: ServiceWindow): void {
    if (window.latency !== null) updateEwma(state.baseline, observed(rule, window.latency), rule.latencyAnomaly!.ewmaAlpha);
  },
};
