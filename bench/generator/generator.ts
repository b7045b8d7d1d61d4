/**
 * The demo log generator: draws a service, host, level and latency for each line,
 * renders it in the service's format and returns the line with the facts it
 * encodes. Those facts are ground truth for parser tests: whatever a parser
 * extracts from `line` must match the fields beside it.
 */
import { ConfigError } from '../../lib/errors.js';
import { FORMATS, type Level, type LogFormat } from './formats.js';
import {
  applyIncidentToLevelMix,
  createIncidentSchedule,
  type IncidentEffect,
  type IncidentSchedule,
  type IncidentSetting,
} from './incidents.js';
import { createRandom } from './random.js';
import { DEMO_SERVICES, selectServices, type RenderContext, type ServiceSpec, type TraceIds } from './services.js';

/** One generated line and the truth it encodes. */
export interface GeneratedLine {
  /** Service that wrote the line. */
  readonly service: string;
  /** Host (or pod) that wrote the line. */
  readonly host: string;
  /** Format of the line. */
  readonly format: LogFormat;
  /** The raw line, no trailing newline. */
  readonly line: string;
  /** Level of the line; for formats without a level field see FORMATS[format].levelEncoding. */
  readonly level: Level;
  /** Event time written in the line, in ms since the epoch (floored to the format's precision). */
  readonly timestampMs: number;
  /** Latency written in the line, in ms, when the line carries one. */
  readonly latencyMs?: number;
  /** Trace id written in the line, when the format carries one. */
  readonly traceId?: string;
  /** Span id written in the line, when the format carries one. */
  readonly spanId?: string;
  /** True when the line was generated inside an incident window of its service. */
  readonly incident: boolean;
}

/** Options of createLogGenerator. */
export interface LogGeneratorOptions {
  /** Seed: the same seed and the same sequence of `nowMs` give the same lines. */
  readonly seed: number;
  /** Services to generate for: catalogue names or specs. Default: every demo service. */
  readonly services?: readonly (string | ServiceSpec)[];
  /** Incident setting. Default 'auto'. */
  readonly incident?: IncidentSetting;
  /** Period of automatic incidents in ms (one per period). Default 5 minutes. */
  readonly incidentEveryMs?: number;
  /** Length of an automatic incident in ms. Default 60 s. */
  readonly incidentDurationMs?: number;
  /** What an incident does to its service. */
  readonly incidentEffect?: IncidentEffect;
  /** Time source used when next() is called without a time. Default Date.now. */
  readonly clock?: () => number;
  /**
   * A run marker put inside every line's message text (e.g. `bench_step=3f9a`), so a benchmark
   * can count one run's lines in the stores. Letters, digits, `_` and `=` only; absent by default.
   */
  readonly tag?: string;
}

/** What a run marker may hold: one word to a search analyzer, safe inside JSON, logfmt and a URL. */
const TAG_SHAPE = /^[A-Za-z0-9_]+(?:=[A-Za-z0-9_]+)?$/;

/** A stream of generated lines. */
export interface LogGenerator {
  /** The services lines are drawn from. */
  readonly services: readonly ServiceSpec[];
  /** The incident schedule in force. */
  readonly incidents: IncidentSchedule;
  /** Generates the next line as of `nowMs` (default: the clock). */
  next(nowMs?: number): GeneratedLine;
}

/** How many recent trace ids other services may continue; enough for overlap, small enough to stay fresh. */
const RECENT_TRACES = 256;
/** Share of traced lines that continue a recent trace rather than start one. */
const CONTINUE_TRACE_SHARE = 0.5;

function resolveServices(services: readonly (string | ServiceSpec)[] | undefined): readonly ServiceSpec[] {
  if (services === undefined) return DEMO_SERVICES;
  const names = services.filter((s): s is string => typeof s === 'string');
  const byName = names.length > 0 ? selectServices(names) : [];
  const resolved = services.map((s) => (typeof s === 'string' ? byName.find((spec) => spec.name === s)! : s));
  if (resolved.length === 0) throw new ConfigError('at least one service must be selected', 'options', 'services');
  const seen = new Set<string>();
  for (const spec of resolved) {
    if (seen.has(spec.name)) throw new ConfigError(`service ${spec.name} listed twice`, 'options', 'services');
    seen.add(spec.name);
    if (spec.hosts.length === 0) throw new ConfigError(`service ${spec.name} has no hosts`, 'options', 'services');
  }
  return resolved;
}

/** Creates a deterministic log generator; throws ConfigError on unknown services or a bad incident. */
export function createLogGenerator(options: LogGeneratorOptions): LogGenerator {
  const services = resolveServices(options.services);
  const { tag } = options;
  if (tag !== undefined && !TAG_SHAPE.test(tag)) {
    throw new ConfigError(`tag must be letters, digits and _ with at most one =, got ${JSON.stringify(tag)}`, 'options', 'tag');
  }
  const clock = options.clock ?? Date.now;
  const rng = createRandom(options.seed);
  const incidents = createIncidentSchedule({
    incident: options.incident ?? 'auto',
    seed: options.seed,
    services: services.map((s) => s.name),
    everyMs: options.incidentEveryMs,
    durationMs: options.incidentDurationMs,
    effect: options.incidentEffect,
  });
  const serviceWeights: Record<string, number> = {};
  for (const spec of services) serviceWeights[spec.name] = spec.weight;
  const byName = new Map(services.map((spec) => [spec.name, spec] as const));
  // Built once: Random.weighted caches a weights object by identity.
  const incidentMixes = new Map(services.map((spec) => [spec.name, applyIncidentToLevelMix(spec.levelMix, incidents.effect)] as const));
  const recentTraces: string[] = [];
  let recentCursor = 0;

  const trace = (): TraceIds => {
    let traceId: string;
    if (recentTraces.length > 0 && rng.chance(CONTINUE_TRACE_SHARE)) {
      traceId = rng.pick(recentTraces);
    } else {
      traceId = rng.hex(32);
      // A ring buffer: overwrite the oldest once full, so memory stays bounded.
      if (recentTraces.length < RECENT_TRACES) recentTraces.push(traceId);
      else recentTraces[recentCursor] = traceId;
      recentCursor = (recentCursor + 1) % RECENT_TRACES;
    }
    return { traceId, spanId: rng.hex(16) };
  };

  return {
    services,
    incidents,
    next(nowMs = clock()) {
      const spec = byName.get(rng.weighted(serviceWeights))!;
      const host = rng.pick(spec.hosts);
      const window = incidents.activeAt(nowMs);
      const inIncident = window !== undefined && window.service === spec.name;
      const mix = inIncident ? incidentMixes.get(spec.name)! : spec.levelMix;
      const level = rng.weighted(mix);
      const latencyMs = rng.logNormal(spec.latency.medianMs, spec.latency.sigma) * (inIncident ? incidents.effect.latencyFactor : 1);
      const precision = FORMATS[spec.format].timestampPrecisionMs;
      const timestampMs = Math.floor(nowMs / precision) * precision;
      const ctx: RenderContext = tag === undefined ? { rng, timestampMs, level, host, latencyMs, trace } : { rng, timestampMs, level, host, latencyMs, trace, tag };
      const rendered = spec.render(ctx);
      return {
        service: spec.name,
        host,
        format: spec.format,
        line: rendered.line,
        level,
        timestampMs,
        ...(rendered.latencyMs === undefined ? {} : { latencyMs: rendered.latencyMs }),
        ...(rendered.traceId === undefined ? {} : { traceId: rendered.traceId }),
        ...(rendered.spanId === undefined ? {} : { spanId: rendered.spanId }),
        incident: inIncident,
      };
    },
  };
}
