/**
 * The shape of a window-based detector (one per rule kind but ABSENCE): it judges a closed window
 * against the rule and the baseline, and learns healthy windows into the baseline.
 */
import type { AlertRule, AlertSample } from '../../schemas/log-schemas.js';
import type { ServiceWindow } from '../stats/service-window.js';
import type { DetectorState } from './detector-state.js';

/** A detector's verdict on one window. */
export interface Judgement {
  anomalous: boolean;
  metric: string;
  observedValue: number;
  baselineMean: number | null;
  baselineStdDev: number | null;
  threshold: number;
  score: number | null;
  /** Evidence lines of the window (errors, slowest, or first lines). */
  samples: AlertSample[];
  /** One human sentence about the window, e.g. `checkout: 240 errors in 1m (baseline 12 ± 3, z=76 > 4)`. */
  summary: string;
}

/** A window-based detector. */
export interface WindowDetector {
  /** Consecutive anomalous windows before FIRING. */
  fireAfterWindows(rule: AlertRule): number;
  /** The verdict on `window`, or undefined when it cannot be judged (warm-up, no latency in the window). */
  judge(rule: AlertRule, state: DetectorState, window: ServiceWindow): Judgement | undefined;
  /** Folds a window that is neither anomalous nor inside an episode into the baseline (no-op without one). */
  learn(rule: AlertRule, state: DetectorState, window: ServiceWindow): void;
}

/** `10s`, `1m`, `1m30s`, `250ms`: a window size or duration for summaries. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 || totalSeconds === 0 ? `${s}s` : ''}`;
}

/** A number for summaries: integers as is, others with up to 2 significant decimals. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
