/**
 * The processor behind anomaly-detect. For each closed ServiceWindow it evaluates every enabled,
 * valid rule that watches the window's service and size, keeping per (rule, service) state in a
 * logged key-value store; a wall-clock punctuator checks ABSENCE rules and resolves the episodes of
 * rules that were deleted, disabled, made invalid or changed kind.
 *
 * Episodes: `fireAfterWindows` consecutive anomalous windows send one FIRING (episode start = the
 * first of them); `resolveAfterWindows` consecutive healthy windows send one RESOLVED. Windows that
 * are anomalous or inside an episode never reach the baseline, so an incident cannot teach the
 * baseline that it is normal. A window not newer than the last one judged is ignored, so a replayed
 * window cannot fire twice.
 */
import type { Counter } from 'prom-client';
import type { Logger } from '../../lib/logger.js';
import type { AlertEvent, AlertEvidence, AlertRule } from '../../schemas/log-schemas.js';
import { PunctuationType, type KeyValueStore, type Processor, type ProcessorContext, type Record } from '../../topology/index.js';
import type { ServiceWindow } from '../stats/service-window.js';
import { buildAlertEvent } from './alert-event-builder.js';
import { detectorStateKey, newDetectorState, type DetectorState, type Episode } from './detector-state.js';
import { errorSpikeDetector } from './error-spike-detector.js';
import { latencyAnomalyDetector } from './latency-anomaly-detector.js';
import type { AlertRuleCatalog } from './rule-catalog.js';
import { ruleProblems } from './rule-validation.js';
import { thresholdDetector } from './threshold-detector.js';
import { formatDuration, type Judgement, type WindowDetector } from './window-detector.js';

/** Settings of one processor instance (validated by anomaly-detect.ts). */
export interface AnomalyDetectProcessorOptions {
  catalog: AlertRuleCatalog;
  storeName: string;
  /** Window sizes window-count emits (rules asking for another size are invalid). */
  windowSizesMs: readonly number[];
  /** Wall-clock interval of the ABSENCE and deleted-rule check, ms. */
  checkIntervalMs: number;
  logger: Logger;
  rulesRejected?: Counter<string> | undefined;
  alertsEmitted?: Counter<string> | undefined;
}

const DETECTORS: Readonly<Partial<globalThis.Record<string, WindowDetector>>> = {
  ERROR_SPIKE: errorSpikeDetector,
  LATENCY_ANOMALY: latencyAnomalyDetector,
  THRESHOLD: thresholdDetector,
};

/** See the file header. */
export class AnomalyDetectProcessor implements Processor<string, ServiceWindow, string, AlertEvent> {
  private context!: ProcessorContext<string, AlertEvent>;
  private store!: KeyValueStore<string, DetectorState>;
  private seenSnapshot: readonly AlertRule[] | undefined;
  private evaluable: AlertRule[] = [];
  private evaluableById = new Map<string, AlertRule>();
  /** `id@updatedAtMs` of rejected rule versions already logged (each version is reported once per task). */
  private readonly reported = new Set<string>();

  constructor(private readonly options: AnomalyDetectProcessorOptions) {}

  init(context: ProcessorContext<string, AlertEvent>): void {
    this.context = context;
    this.store = context.getStateStore(this.options.storeName);
    context.schedule(this.options.checkIntervalMs, PunctuationType.WALL_CLOCK_TIME, (now) => this.check(now));
  }

  process(record: Record<string, ServiceWindow>): void {
    const window = record.value;
    if (window === null) return;
    for (const rule of this.rules()) {
      if (rule.windowSizeMs !== window.windowSizeMs || (rule.service !== null && rule.service !== window.service)) continue;
      const key = detectorStateKey(rule.id, window.service);
      let state = this.store.get(key);
      if (state !== undefined && state.kind !== rule.kind) {
        // Same id, new kind: the old episode is over and its baseline means nothing now.
        this.resolveGone(state, window.windowEndMs, 'the rule changed kind');
        state = undefined;
      }
      state ??= newDetectorState(rule.id, window.service, rule.kind);
      if (window.windowStartMs <= state.lastWindowStartMs) continue;
      state.lastWindowStartMs = window.windowStartMs;
      state.lastSeenMs = Math.max(state.lastSeenMs, window.lastIngestMs);
      if (rule.kind === 'ABSENCE') this.absenceWindow(rule, state, window);
      else this.judgeWindow(rule, state, window, DETECTORS[rule.kind]!);
      this.store.put(key, state);
    }
  }

  private judgeWindow(rule: AlertRule, state: DetectorState, window: ServiceWindow, detector: WindowDetector): void {
    const judgement = detector.judge(rule, state, window);
    if (judgement === undefined) {
      if (state.episode === null) detector.learn(rule, state, window);
      return;
    }
    const evidence = evidenceOf(judgement, window);
    if (judgement.anomalous) {
      state.healthyStreak = 0;
      if (state.episode !== null) {
        state.episode.lastEvidence = evidence;
        return;
      }
      state.anomalousStreak += 1;
      state.streakStartMs ??= window.windowStartMs;
      if (state.anomalousStreak < detector.fireAfterWindows(rule)) return;
      state.episode = { startedAtMs: state.streakStartMs, ruleName: rule.name, severity: rule.severity, labels: { ...rule.labels }, lastEvidence: evidence };
      state.anomalousStreak = 0;
      state.streakStartMs = null;
      this.emit('FIRING', rule.kind, state, state.episode, window.windowEndMs, judgement.summary, evidence);
      return;
    }
    state.anomalousStreak = 0;
    state.streakStartMs = null;
    if (state.episode === null) {
      detector.learn(rule, state, window);
      return;
    }
    state.episode.lastEvidence = evidence;
    state.healthyStreak += 1;
    if (state.healthyStreak < rule.resolveAfterWindows) return;
    this.emit('RESOLVED', rule.kind, state, state.episode, window.windowEndMs, `resolved: ${judgement.summary}`, evidence);
    state.episode = null;
    state.healthyStreak = 0;
  }

  private absenceWindow(rule: AlertRule, state: DetectorState, window: ServiceWindow): void {
    if (state.episode === null) return;
    state.healthyStreak += 1;
    if (state.healthyStreak < rule.resolveAfterWindows) return;
    const evidence: AlertEvidence = {
      windowStartMs: window.windowStartMs,
      windowEndMs: window.windowEndMs,
      metric: 'count',
      observedValue: window.count,
      baselineMean: null,
      baselineStdDev: null,
      threshold: rule.absence!.absentForMs,
      score: null,
      samples: [],
    };
    this.emit('RESOLVED', rule.kind, state, state.episode, window.windowEndMs, `resolved: ${window.service}: logging again (${window.count} lines in ${formatDuration(window.windowSizeMs)})`, evidence);
    state.episode = null;
    state.healthyStreak = 0;
  }

  /** The wall-clock check: rules gone (deleted, disabled, invalid, kind or service changed) resolve and forget; ABSENCE fires. */
  private check(nowMs: number): void {
    this.rules(); // refreshes evaluableById from the catalog
    const entries = [...this.store.all()];
    for (const [key, state] of entries) {
      const rule = this.evaluableById.get(state.ruleId);
      if (rule === undefined || rule.kind !== state.kind || (rule.service !== null && rule.service !== state.service)) {
        this.resolveGone(state, nowMs, rule === undefined ? 'the rule was deleted, disabled or is invalid' : 'the rule changed');
        this.store.delete(key);
        continue;
      }
      if (rule.kind !== 'ABSENCE' || state.episode !== null || state.lastSeenMs <= 0) continue;
      const silenceMs = nowMs - state.lastSeenMs;
      const limit = rule.absence!.absentForMs;
      if (silenceMs < limit) continue;
      const evidence: AlertEvidence = {
        windowStartMs: state.lastSeenMs,
        windowEndMs: nowMs,
        metric: 'silence_ms',
        observedValue: silenceMs,
        baselineMean: null,
        baselineStdDev: null,
        threshold: limit,
        score: null,
        samples: [],
      };
      state.episode = { startedAtMs: state.lastSeenMs, ruleName: rule.name, severity: rule.severity, labels: { ...rule.labels }, lastEvidence: evidence };
      state.healthyStreak = 0;
      this.emit('FIRING', rule.kind, state, state.episode, nowMs, `${state.service}: no logs for ${formatDuration(silenceMs)} (limit ${formatDuration(limit)})`, evidence);
      this.store.put(key, state);
    }
  }

  private resolveGone(state: DetectorState, eventTimeMs: number, why: string): void {
    if (state.episode === null) return;
    const episode = state.episode;
    this.emit('RESOLVED', state.kind as AlertRule['kind'], state, episode, eventTimeMs, `resolved: ${state.service}: ${episode.ruleName}: ${why}`, episode.lastEvidence);
    state.episode = null;
  }

  private emit(kind: 'FIRING' | 'RESOLVED', ruleKind: AlertRule['kind'], state: DetectorState, episode: Episode, eventTimeMs: number, summary: string, evidence: AlertEvidence): void {
    const event = buildAlertEvent({ state: kind, ruleId: state.ruleId, kind: ruleKind, service: state.service, episode, eventTimeMs, summary, evidence });
    this.options.alertsEmitted?.inc({ state: kind, kind: ruleKind });
    this.options.logger.info({ fingerprint: event.fingerprint, alert_id: event.alertId, rule_id: state.ruleId, service: state.service, state: kind }, `alert ${kind}: ${summary}`);
    this.context.forward({ key: event.fingerprint, value: event, timestamp: eventTimeMs, headers: {} });
  }

  /** The enabled, valid rules of the catalog; recomputed only when the catalog's snapshot changes. */
  private rules(): readonly AlertRule[] {
    const snapshot = this.options.catalog.rules();
    if (snapshot === this.seenSnapshot) return this.evaluable;
    this.seenSnapshot = snapshot;
    const evaluable: AlertRule[] = [];
    for (const rule of snapshot) {
      let problems: string[];
      try {
        problems = ruleProblems(rule, this.options.windowSizesMs);
      } catch (error) {
        problems = [`cannot be checked: ${(error as Error).message}`];
      }
      if (problems.length > 0) {
        const version = `${String(rule?.id)}@${String(rule?.updatedAtMs)}`;
        if (!this.reported.has(version)) {
          this.reported.add(version);
          this.options.rulesRejected?.inc();
          this.options.logger.warn({ rule_id: rule?.id, problems }, 'alert rule ignored: it cannot be evaluated');
        }
        continue;
      }
      if (rule.enabled) evaluable.push(rule);
    }
    this.evaluable = evaluable;
    this.evaluableById = new Map(evaluable.map((rule) => [rule.id, rule]));
    return evaluable;
  }
}

function evidenceOf(judgement: Judgement, window: ServiceWindow): AlertEvidence {
  return {
    windowStartMs: window.windowStartMs,
    windowEndMs: window.windowEndMs,
    metric: judgement.metric,
    observedValue: judgement.observedValue,
    baselineMean: judgement.baselineMean,
    baselineStdDev: judgement.baselineStdDev,
    threshold: judgement.threshold,
    score: judgement.score,
    samples: judgement.samples.slice(0, 5),
  };
}
