/**
 * Backtest: replays an alert rule over stored windows and reports when it would have fired. The
 * verdict on each window comes from the pipeline's own detectors (processors/anomaly/), so a
 * backtest judges exactly as the live rule will; the episode bookkeeping around them (fire after N
 * anomalous windows, resolve after M healthy ones, learn only healthy windows outside an episode)
 * follows AnomalyDetectProcessor, which keeps it private.
 */
import type { AlertRule } from '../../schemas/log-schemas.js';
import { newDetectorState } from '../../processors/anomaly/detector-state.js';
import { errorSpikeDetector } from '../../processors/anomaly/error-spike-detector.js';
import { latencyAnomalyDetector } from '../../processors/anomaly/latency-anomaly-detector.js';
import { thresholdDetector } from '../../processors/anomaly/threshold-detector.js';
import type { WindowDetector } from '../../processors/anomaly/window-detector.js';
import type { ServiceWindow } from '../../processors/stats/service-window.js';

/** One episode the rule would have had. */
export interface BacktestEpisode {
  service: string;
  /** Start of the first anomalous window of the episode. */
  startedAtMs: number;
  /** End of the window that made it fire (when the FIRING would have been sent). */
  firedAtMs: number;
  /** End of the window that resolved it; null when still firing at the end of the replay. */
  resolvedAtMs: number | null;
  /** The firing window's summary, as the alert would have said it. */
  summary: string;
  observedValue: number;
  threshold: number;
}

/** What a backtest found. */
export interface BacktestResult {
  windowsEvaluated: number;
  services: number;
  episodes: BacktestEpisode[];
}

const DETECTORS: Readonly<Partial<Record<AlertRule['kind'], WindowDetector>>> = {
  ERROR_SPIKE: errorSpikeDetector,
  LATENCY_ANOMALY: latencyAnomalyDetector,
  THRESHOLD: thresholdDetector,
};

/** Replays `rule` over `windows` (any order, any services; those the rule does not watch are ignored) up to `nowMs`. */
export function backtestRule(rule: AlertRule, windows: readonly ServiceWindow[], nowMs: number): BacktestResult {
  const byService = new Map<string, ServiceWindow[]>();
  for (const window of windows) {
    if (window.windowSizeMs !== rule.windowSizeMs || (rule.service !== null && window.service !== rule.service)) continue;
    let list = byService.get(window.service);
    if (list === undefined) byService.set(window.service, (list = []));
    list.push(window);
  }
  const episodes: BacktestEpisode[] = [];
  let evaluated = 0;
  for (const [service, list] of [...byService.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a.windowStartMs - b.windowStartMs);
    evaluated += list.length;
    episodes.push(...(rule.kind === 'ABSENCE' ? absenceEpisodes(rule, service, list, nowMs) : windowEpisodes(rule, service, list, DETECTORS[rule.kind]!)));
  }
  episodes.sort((a, b) => a.firedAtMs - b.firedAtMs || a.service.localeCompare(b.service));
  return { windowsEvaluated: evaluated, services: byService.size, episodes };
}

function windowEpisodes(rule: AlertRule, service: string, windows: readonly ServiceWindow[], detector: WindowDetector): BacktestEpisode[] {
  const state = newDetectorState(rule.id, service, rule.kind);
  const episodes: BacktestEpisode[] = [];
  let open: BacktestEpisode | undefined;
  for (const window of windows) {
    if (window.windowStartMs <= state.lastWindowStartMs) continue;
    state.lastWindowStartMs = window.windowStartMs;
    const judgement = detector.judge(rule, state, window);
    if (judgement === undefined) {
      if (open === undefined) detector.learn(rule, state, window);
      continue;
    }
    if (judgement.anomalous) {
      state.healthyStreak = 0;
      if (open !== undefined) continue;
      state.anomalousStreak += 1;
      state.streakStartMs ??= window.windowStartMs;
      if (state.anomalousStreak < detector.fireAfterWindows(rule)) continue;
      open = { service, startedAtMs: state.streakStartMs, firedAtMs: window.windowEndMs, resolvedAtMs: null, summary: judgement.summary, observedValue: judgement.observedValue, threshold: judgement.threshold };
      episodes.push(open);
      state.anomalousStreak = 0;
      state.streakStartMs = null;
      continue;
    }
    state.anomalousStreak = 0;
    state.streakStartMs = null;
    if (open === undefined) {
      detector.learn(rule, state, window);
      continue;
    }
    state.healthyStreak += 1;
    if (state.healthyStreak < rule.resolveAfterWindows) continue;
    open.resolvedAtMs = window.windowEndMs;
    open = undefined;
    state.healthyStreak = 0;
  }
  return episodes;
}

// ABSENCE is checked on the wall clock live; over history, a gap between windows longer than
// absentForMs is when it would have fired, and the next window is when it would have resolved.
function absenceEpisodes(rule: AlertRule, service: string, windows: readonly ServiceWindow[], nowMs: number): BacktestEpisode[] {
  const absentForMs = rule.absence!.absentForMs;
  const episodes: BacktestEpisode[] = [];
  for (let i = 0; i < windows.length; i += 1) {
    const lastHeard = windows[i]!.windowEndMs;
    const next = windows[i + 1];
    const silentUntil = next === undefined ? nowMs : next.windowStartMs;
    if (silentUntil - lastHeard <= absentForMs) continue;
    episodes.push({
      service,
      startedAtMs: lastHeard,
      firedAtMs: lastHeard + absentForMs,
      resolvedAtMs: next === undefined ? null : next.windowEndMs,
      summary: `${service}: no logs for more than ${Math.round(absentForMs / 1000)}s`,
      observedValue: silentUntil - lastHeard,
      threshold: absentForMs,
    });
  }
  return episodes;
}
