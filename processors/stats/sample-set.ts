/**
 * The sample lines a window keeps as alert evidence: the first errors, the slowest lines and the
 * first lines, five of each. Adding is O(1) for the common case (lists full, line not slower), so
 * it can run on every event; each change is reported so the caller logs only what changed.
 */
import type { AlertSample, EnrichedLogEvent } from '../../schemas/log-schemas.js';
import type { WindowSamples } from './service-window.js';

/** Samples kept per list. */
export const MAX_SAMPLES = 5;
/** Longest sample message in characters (the AlertSample schema's limit). */
export const MAX_SAMPLE_MESSAGE_CHARS = 1000;

/** Builds the AlertSample of an event (message cut to MAX_SAMPLE_MESSAGE_CHARS). */
export function sampleOf(event: EnrichedLogEvent, latencyMs: number | null): AlertSample {
  const message = event.message.length > MAX_SAMPLE_MESSAGE_CHARS ? event.message.slice(0, MAX_SAMPLE_MESSAGE_CHARS) : event.message;
  return { eventId: event.eventId, timestampMs: event.timestampMs, host: event.host, level: event.level, message, latencyMs };
}

/** An empty set of samples. */
export function emptySamples(): WindowSamples {
  return { errors: [], slowest: [], first: [] };
}

/** Which list a sample is in: `f`irst, `e`rrors, slo`w`est. */
export type SampleList = 'f' | 'e' | 'w';

/**
 * Told of each change `offerSample` makes: a sample stored in `list` under `slot` (the index in
 * `first`/`errors`, the event id in `slowest`), or removed from it (null), so that the caller logs
 * single samples rather than the whole set.
 */
export type SampleChange = (list: SampleList, slot: string, sample: AlertSample | null) => void;

/** True when `offerSample` would keep a line of this kind: lets the hot path skip building closures. */
export function wouldKeepSample(samples: WindowSamples, isError: boolean, latencyMs: number | null): boolean {
  if (samples.first.length < MAX_SAMPLES || (isError && samples.errors.length < MAX_SAMPLES)) return true;
  if (latencyMs === null) return false;
  const slowest = samples.slowest;
  return slowest.length < MAX_SAMPLES || latencyMs > (slowest[slowest.length - 1]!.latencyMs ?? 0);
}

/**
 * Offers one event to `samples` (mutated) and reports each change to `onChange`. `makeSample` is
 * only called when the event is kept, so the common case allocates nothing.
 */
export function offerSample(samples: WindowSamples, isError: boolean, latencyMs: number | null, makeSample: () => AlertSample, onChange: SampleChange): void {
  let sample: AlertSample | undefined;
  const get = (): AlertSample => (sample ??= makeSample());
  if (samples.first.length < MAX_SAMPLES) {
    onChange('f', String(samples.first.length), get());
    samples.first.push(get());
  }
  if (isError && samples.errors.length < MAX_SAMPLES) {
    onChange('e', String(samples.errors.length), get());
    samples.errors.push(get());
  }
  if (latencyMs !== null) {
    const slowest = samples.slowest;
    const last = slowest[slowest.length - 1];
    if (slowest.length < MAX_SAMPLES || (last !== undefined && latencyMs > (last.latencyMs ?? 0))) {
      const evicted = insertSlowest(slowest, get());
      if (evicted !== undefined && evicted.eventId !== get().eventId) onChange('w', evicted.eventId, null);
      onChange('w', get().eventId, get());
    }
  }
}

/** Sorts restored slowest samples back into their order (slowest first). */
export function sortSlowest(slowest: AlertSample[]): void {
  slowest.sort((a, b) => (b.latencyMs ?? 0) - (a.latencyMs ?? 0));
}

/** Merges `from` into `into` (mutated) as if `from`'s events came after `into`'s. */
export function mergeSamples(into: WindowSamples, from: WindowSamples): void {
  for (const s of from.first) if (into.first.length < MAX_SAMPLES) into.first.push(s);
  for (const s of from.errors) if (into.errors.length < MAX_SAMPLES) into.errors.push(s);
  for (const s of from.slowest) {
    const last = into.slowest[into.slowest.length - 1];
    if (into.slowest.length < MAX_SAMPLES || (last !== undefined && (s.latencyMs ?? 0) > (last.latencyMs ?? 0))) insertSlowest(into.slowest, s);
  }
}

/** Inserts `sample` in order (slowest first; equal latencies keep arrival order); returns the sample pushed out, if any. */
function insertSlowest(slowest: AlertSample[], sample: AlertSample): AlertSample | undefined {
  const latency = sample.latencyMs ?? 0;
  let at = slowest.findIndex((s) => (s.latencyMs ?? 0) < latency);
  if (at < 0) at = slowest.length;
  slowest.splice(at, 0, sample);
  return slowest.length > MAX_SAMPLES ? slowest.pop() : undefined;
}
