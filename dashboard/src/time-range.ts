/**
 * Time ranges of the pages: a relative preset (`15m`, `1h`, ...) resolved against now on every
 * refresh, or an absolute from/to. Kept in the URL so a link reproduces the view.
 */

/** The presets the picker offers, with their length and the stats bucket that fits them. */
export const RANGE_PRESETS = [
  { key: '15m', label: 'Last 15 minutes', ms: 15 * 60_000, interval: '1m' },
  { key: '1h', label: 'Last hour', ms: 3_600_000, interval: '1m' },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000, interval: '5m' },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000, interval: '15m' },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * 3_600_000, interval: '1h' },
] as const;

/** A preset key. */
export type RangePresetKey = (typeof RANGE_PRESETS)[number]['key'];

/** A range as the URL holds it. */
export type TimeRange = { readonly kind: 'preset'; readonly key: RangePresetKey } | { readonly kind: 'absolute'; readonly fromMs: number; readonly toMs: number };

/** The default range of every page. */
export const DEFAULT_RANGE: TimeRange = { kind: 'preset', key: '1h' };

/** Reads `range` or `from`+`to` (epoch ms) from query parameters; anything malformed falls back to `fallback`. */
export function rangeFromQuery(query: URLSearchParams, fallback: TimeRange = DEFAULT_RANGE): TimeRange {
  const from = query.get('from');
  const to = query.get('to');
  if (from !== null && to !== null && /^\d{1,15}$/.test(from) && /^\d{1,15}$/.test(to)) {
    const fromMs = Number(from);
    const toMs = Number(to);
    if (fromMs < toMs) return { kind: 'absolute', fromMs, toMs };
  }
  const key = query.get('range');
  const preset = RANGE_PRESETS.find((p) => p.key === key);
  return preset === undefined ? fallback : { kind: 'preset', key: preset.key };
}

/** Writes `range` into `query` (replacing range, from and to). */
export function rangeToQuery(range: TimeRange, query: URLSearchParams): void {
  query.delete('range');
  query.delete('from');
  query.delete('to');
  if (range.kind === 'preset') query.set('range', range.key);
  else {
    query.set('from', String(range.fromMs));
    query.set('to', String(range.toMs));
  }
}

/** The concrete [from, to] of `range` at `nowMs`. */
export function resolveRange(range: TimeRange, nowMs: number): { fromMs: number; toMs: number } {
  if (range.kind === 'absolute') return { fromMs: range.fromMs, toMs: range.toMs };
  const preset = RANGE_PRESETS.find((p) => p.key === range.key)!;
  return { fromMs: nowMs - preset.ms, toMs: nowMs };
}

/** The statistics bucket size for `range` that keeps charts between about 15 and 400 points. */
export function intervalFor(range: TimeRange): string {
  if (range.kind === 'preset') return RANGE_PRESETS.find((p) => p.key === range.key)!.interval;
  const span = range.toMs - range.fromMs;
  if (span <= 6 * 3_600_000) return span <= 2 * 3_600_000 ? '1m' : '5m';
  if (span <= 3 * 86_400_000) return '15m';
  if (span <= 14 * 86_400_000) return '1h';
  return span <= 60 * 86_400_000 ? '6h' : '1d';
}
