/**
 * The latency of an event in milliseconds, through the agent's one implementation
 * (`agent/parsers/latency.ts`): the agent's `latencyMs` when it parsed the line (it already
 * looked at the structured fields and, unless the source turned it off, at the text); for an
 * event no agent parser read (no `format` field), the latency-named fields and then the text.
 * Values that are not finite, negative, or above `maxLatencyMs` are not latencies (a mangled
 * number must not wreck a percentile) and are ignored.
 */
import { latencyFromFields, latencyFromText } from '../../agent/parsers/latency.js';
import { ownString } from './own-fields.js';

/** The latency and whether the agent's `latencyMs` field was consumed. */
export interface ResolvedLatency {
  latencyMs: number | null;
  /** True when `parsedFields.latencyMs` held the value (it is then dropped from `fields`). */
  fromLatencyField: boolean;
}

function acceptable(ms: number | undefined, maxLatencyMs: number): ms is number {
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 && ms <= maxLatencyMs;
}

/** Resolves the latency of an event (see the file header). */
export function resolveLatency(fields: Readonly<Record<string, string>>, message: string, options: { maxLatencyMs: number; latencyFromText: boolean }): ResolvedLatency {
  const agentValue = ownString(fields, 'latencyMs');
  if (agentValue !== undefined) {
    const ms = agentValue.trim() === '' ? Number.NaN : Number(agentValue);
    if (acceptable(ms, options.maxLatencyMs)) return { latencyMs: ms, fromLatencyField: true };
  }
  if (ownString(fields, 'format') !== undefined) return { latencyMs: null, fromLatencyField: false };
  const fromFields = latencyFromFields(fields);
  if (acceptable(fromFields, options.maxLatencyMs)) return { latencyMs: fromFields, fromLatencyField: false };
  if (options.latencyFromText) {
    const fromText = latencyFromText(message);
    if (acceptable(fromText, options.maxLatencyMs)) return { latencyMs: fromText, fromLatencyField: false };
  }
  return { latencyMs: null, fromLatencyField: false };
}
