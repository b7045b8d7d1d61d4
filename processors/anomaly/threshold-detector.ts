/**
 * THRESHOLD: a window's count, error count or error ratio against a fixed value, above or below.
 * No baseline; windows without events are never emitted, so BELOW on COUNT cannot see a silent
 * service (that is what ABSENCE is for).
 */
import type { AlertRule } from '../../schemas/log-schemas.js';
import type { ServiceWindow } from '../stats/service-window.js';
import { formatDuration, formatNumber, type Judgement, type WindowDetector } from './window-detector.js';

/** The THRESHOLD detector; see the file header. */
export const thresholdDetector: WindowDetector = {
  fireAfterWindows: (rule) => rule.threshold!.fireAfterWindows,

  judge(rule: AlertRule, _state, window: ServiceWindow): Judgement {
    const p = rule.threshold!;
    const value = p.metric === 'COUNT' ? window.count : p.metric === 'ERROR_COUNT' ? window.errorCount : window.count === 0 ? 0 : window.errorCount / window.count;
    const anomalous = p.comparison === 'ABOVE' ? value > p.value : value < p.value;
    const metric = p.metric.toLowerCase();
    return {
      anomalous,
      metric,
      observedValue: value,
      baselineMean: null,
      baselineStdDev: null,
      threshold: p.value,
      score: null,
      samples: p.metric === 'COUNT' ? window.samples.first : window.samples.errors,
      summary: `${window.service}: ${metric} ${formatNumber(value)} in ${formatDuration(window.windowSizeMs)} is ${anomalous ? '' : 'not '}${p.comparison === 'ABOVE' ? 'above' : 'below'} ${formatNumber(p.value)}`,
    };
  },

  learn(): void {},
};
