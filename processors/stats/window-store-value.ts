/**
 * What window-count keeps in its `windows` store besides the per-event cells: the sample lines of
 * each open window (one entry per sample, so a change logs one line, not the set), the rollups of
 * the larger windows, and the stream time it closed windows up to (so that after a restart a late
 * record cannot reopen a window that was already emitted).
 */
import { z } from 'zod';
import type { SampleList } from './sample-set.js';
import { sampleSchema, windowAggregateJsonSchema } from './window-aggregate.js';

/** Zod schema of a value of the windows store (validated on every write and on restoration). */
export const windowStoreValueSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sample'), sample: sampleSchema }).strict(),
  z.object({ kind: z.literal('rollup'), aggregate: windowAggregateJsonSchema }).strict(),
  z.object({ kind: z.literal('clock'), streamTimeMs: z.number().int() }).strict(),
]);

/** A value of the windows store. */
export type WindowStoreValue = z.infer<typeof windowStoreValueSchema>;

/** Key of the clock entry. */
export const CLOCK_KEY = 'c';

/** Key of one sample of the smallest window starting at `windowStartMs` for `service` (JSON: every part may hold any character). */
export function sampleKey(windowStartMs: number, service: string, list: SampleList, slot: string): string {
  return JSON.stringify(['s', windowStartMs, service, list, slot]);
}

/** Key of the rollup of the window of `windowSizeMs` starting at `windowStartMs` for `service`. */
export function rollupKey(windowSizeMs: number, windowStartMs: number, service: string): string {
  return JSON.stringify(['r', windowSizeMs, windowStartMs, service]);
}

/** The parts of a sample or rollup key; undefined for anything else. */
export function parseWindowStoreKey(key: string): { kind: 'sample'; windowStartMs: number; service: string; list: SampleList } | { kind: 'rollup'; windowSizeMs: number; windowStartMs: number; service: string } | undefined {
  let parts: unknown;
  try {
    parts = JSON.parse(key);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts)) return undefined;
  const [tag, a, b, c, d] = parts as unknown[];
  if (tag === 's' && Number.isSafeInteger(a) && typeof b === 'string' && (c === 'f' || c === 'e' || c === 'w') && typeof d === 'string') return { kind: 'sample', windowStartMs: a as number, service: b, list: c };
  if (tag === 'r' && Number.isSafeInteger(a) && Number.isSafeInteger(b) && typeof c === 'string') return { kind: 'rollup', windowSizeMs: a as number, windowStartMs: b as number, service: c };
  return undefined;
}
