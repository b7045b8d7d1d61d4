/**
 * Incidents: windows of time in which one service's error rate and latency jump,
 * so that anomaly detection and alerting downstream have something to catch.
 *
 * The automatic schedule is a pure function of (seed, time): time is cut into
 * fixed periods anchored at the Unix epoch, and each period holds one incident
 * whose service and start offset are drawn from a generator seeded by the seed
 * and the period number. Any process with the same seed therefore agrees on
 * when incidents happen, whatever it generated before.
 */
import { ConfigError } from '../../lib/errors.js';
import type { Level } from './formats.js';
import { createRandom } from './random.js';

/** A fixed incident: `service` misbehaves during [startsAtMs, startsAtMs + durationMs). */
export interface FixedIncident {
  /** Name of the affected service. */
  readonly service: string;
  /** Start, in ms since the Unix epoch. */
  readonly startsAtMs: number;
  /** Length in ms; positive. */
  readonly durationMs: number;
}

/** How incidents are chosen: a seeded schedule, none, or one fixed window. */
export type IncidentSetting = 'auto' | 'off' | FixedIncident;

/** One incident window, half-open: [startsAtMs, endsAtMs). */
export interface IncidentWindow {
  /** Name of the affected service. */
  readonly service: string;
  /** First ms of the incident. */
  readonly startsAtMs: number;
  /** First ms after the incident. */
  readonly endsAtMs: number;
}

/** What an incident does to its service. */
export interface IncidentEffect {
  /** Minimum share of the service's lines that are ERROR during the incident, in (0, 1]. */
  readonly errorShare: number;
  /** Factor applied to the service's latency during the incident; at least 1. */
  readonly latencyFactor: number;
}

/** Options of createIncidentSchedule. */
export interface IncidentScheduleOptions {
  /** 'auto' (seeded periodic incidents), 'off', or one fixed window. */
  readonly incident: IncidentSetting;
  /** Seed of the automatic schedule. */
  readonly seed: number;
  /** Services an automatic incident may hit, and the only ones a fixed incident may name. */
  readonly services: readonly string[];
  /** Length of one automatic period; one incident per period. Default 5 minutes. */
  readonly everyMs?: number;
  /** Length of an automatic incident. Default 60 seconds. */
  readonly durationMs?: number;
  /** Effect of an incident. Default: at least 40% ERROR and 5x latency. */
  readonly effect?: IncidentEffect;
}

/** Answers which incident, if any, is under way at a given time. */
export interface IncidentSchedule {
  /** The effect an active incident has on its service. */
  readonly effect: IncidentEffect;
  /** The incident under way at `nowMs`, or undefined. */
  activeAt(nowMs: number): IncidentWindow | undefined;
  /** Every incident window that overlaps [fromMs, toMs), in start order. */
  windowsBetween(fromMs: number, toMs: number): IncidentWindow[];
}

/** Default length of an automatic incident period. */
export const DEFAULT_INCIDENT_EVERY_MS = 5 * 60_000;
/** Default length of an automatic incident. */
export const DEFAULT_INCIDENT_DURATION_MS = 60_000;
/** Default effect of an incident. */
export const DEFAULT_INCIDENT_EFFECT: IncidentEffect = { errorShare: 0.4, latencyFactor: 5 };

/** Combines two integers into one 32-bit seed, so (seed, period) pairs do not collide trivially. */
function combineSeeds(a: number, b: number): number {
  let h = Math.imul(a | 0, 0x9e3779b1) ^ (b | 0);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** Creates the incident schedule; throws ConfigError (key `incident...`) on inconsistent options. */
export function createIncidentSchedule(options: IncidentScheduleOptions): IncidentSchedule {
  const effect = options.effect ?? DEFAULT_INCIDENT_EFFECT;
  if (!(effect.errorShare > 0 && effect.errorShare <= 1)) {
    throw new ConfigError(`errorShare must be in (0, 1], got ${effect.errorShare}`, 'options', 'incident.effect.errorShare');
  }
  if (!(effect.latencyFactor >= 1)) {
    throw new ConfigError(`latencyFactor must be >= 1, got ${effect.latencyFactor}`, 'options', 'incident.effect.latencyFactor');
  }
  const { incident } = options;

  if (incident === 'off') {
    return { effect, activeAt: () => undefined, windowsBetween: () => [] };
  }

  if (incident !== 'auto') {
    if (!options.services.includes(incident.service)) {
      throw new ConfigError(`incident service ${incident.service} is not one of ${options.services.join(', ')}`, 'options', 'incident.service');
    }
    if (!(incident.durationMs > 0) || !Number.isFinite(incident.startsAtMs)) {
      throw new ConfigError('incident needs a finite startsAtMs and a positive durationMs', 'options', 'incident.durationMs');
    }
    const window: IncidentWindow = {
      service: incident.service,
      startsAtMs: incident.startsAtMs,
      endsAtMs: incident.startsAtMs + incident.durationMs,
    };
    return {
      effect,
      activeAt: (nowMs) => (nowMs >= window.startsAtMs && nowMs < window.endsAtMs ? window : undefined),
      windowsBetween: (fromMs, toMs) => (window.startsAtMs < toMs && window.endsAtMs > fromMs ? [window] : []),
    };
  }

  const everyMs = options.everyMs ?? DEFAULT_INCIDENT_EVERY_MS;
  const durationMs = options.durationMs ?? DEFAULT_INCIDENT_DURATION_MS;
  if (!(durationMs > 0 && everyMs >= durationMs)) {
    throw new ConfigError(`automatic incidents need 0 < durationMs (${durationMs}) <= everyMs (${everyMs})`, 'options', 'incident');
  }
  if (options.services.length === 0) {
    throw new ConfigError('automatic incidents need at least one service', 'options', 'services');
  }

  const windowOf = (period: number): IncidentWindow => {
    const rng = createRandom(combineSeeds(options.seed, period));
    const service = rng.pick(options.services);
    const offset = Math.floor(rng.next() * (everyMs - durationMs + 1));
    const startsAtMs = period * everyMs + offset;
    return { service, startsAtMs, endsAtMs: startsAtMs + durationMs };
  };

  return {
    effect,
    activeAt(nowMs) {
      const window = windowOf(Math.floor(nowMs / everyMs));
      return nowMs >= window.startsAtMs && nowMs < window.endsAtMs ? window : undefined;
    },
    windowsBetween(fromMs, toMs) {
      const windows: IncidentWindow[] = [];
      for (let period = Math.floor(fromMs / everyMs); period * everyMs < toMs; period++) {
        const window = windowOf(period);
        if (window.startsAtMs < toMs && window.endsAtMs > fromMs) windows.push(window);
      }
      return windows;
    },
  };
}

/**
 * Returns the level mix of a service during an incident: ERROR takes at least
 * `errorShare` of the total, the other levels keep their relative proportions.
 */
export function applyIncidentToLevelMix(
  levelMix: Readonly<Record<Level, number>>,
  effect: IncidentEffect,
): Record<Level, number> {
  const total = levelMix.DEBUG + levelMix.INFO + levelMix.WARN + levelMix.ERROR;
  const keep = 1 - effect.errorShare;
  return {
    DEBUG: levelMix.DEBUG * keep,
    INFO: levelMix.INFO * keep,
    WARN: levelMix.WARN * keep,
    ERROR: levelMix.ERROR * keep + total * effect.errorShare,
  };
}
