/**
 * The overview: log volume stacked by level, error rate, top services and active alerts for a
 * time range, refreshed on its own (every 30 seconds unless the user picks another interval).
 */
import { h, formatCount, formatTime, replaceChildren } from '../dom.js';
import { lineChart, volumeChart, type Chart } from '../components/chart.js';
import { dataTable } from '../components/data-table.js';
import { levelBadge } from '../components/level-badge.js';
import { describeError } from '../components/notice.js';
import { timeRangePicker } from '../components/time-range-picker.js';
import type { VolumeBucket } from '../chart-data.js';
import type { PageContext } from '../page-context.js';
import { buildHash } from '../route-match.js';
import { intervalFor, rangeFromQuery, rangeToQuery, resolveRange, type TimeRange } from '../time-range.js';
import type { ActiveAlert } from './alerts.js';

/** Refresh intervals offered, in seconds (0 = off); `refresh` in the URL picks one. */
export const REFRESH_CHOICES = [10, 30, 60, 300, 0] as const;
/** The default refresh interval in seconds. */
export const DEFAULT_REFRESH_S = 30;

interface ErrorRateBucket {
  start: string;
  total: number;
  errors: number;
  rate: number | null;
}

/** Renders the overview and keeps it fresh until the page is left. */
export function overviewPage(ctx: PageContext): void {
  let range: TimeRange = rangeFromQuery(ctx.query);
  const charts: Chart[] = [];
  const updated = h('p', { class: 'muted', 'aria-live': 'off' }, 'Loading…');
  const cards = h('div', { class: 'cards' });
  const volume = h('section', { class: 'panel wide', 'aria-labelledby': 'volume-title' }, h('h2', { id: 'volume-title' }, 'Log volume by level'));
  const errors = h('section', { class: 'panel', 'aria-labelledby': 'error-title' }, h('h2', { id: 'error-title' }, 'Error rate'));
  const top = h('section', { class: 'panel', 'aria-labelledby': 'top-title' }, h('h2', { id: 'top-title' }, 'Top services'));
  const alerts = h('section', { class: 'panel wide', 'aria-labelledby': 'alerts-title' }, h('h2', { id: 'alerts-title' }, 'Active alerts'));
  const refreshButton = h('button', { type: 'button', class: 'secondary' }, 'Refresh now');
  const asked = Number(ctx.query.get('refresh') ?? DEFAULT_REFRESH_S);
  let refreshS: number = (REFRESH_CHOICES as readonly number[]).includes(asked) ? asked : DEFAULT_REFRESH_S;
  const refreshSelect = h(
    'select',
    { id: 'overview-refresh' },
    ...REFRESH_CHOICES.map((s) => h('option', { value: s, selected: s === refreshS }, s === 0 ? 'Off' : s < 60 ? `Every ${s} s` : `Every ${s / 60} min`)),
  );
  const picker = (): HTMLElement =>
    timeRangePicker(range, (next) => {
      range = next;
      const query = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
      rangeToQuery(range, query);
      ctx.replaceQuery(query);
      void load();
    });
  ctx.root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Overview'), h('div', { class: 'toolbar' }, picker(), h('label', { for: 'overview-refresh' }, 'Auto refresh'), refreshSelect, refreshButton, updated)),
    cards,
    h('div', { class: 'grid' }, volume, errors, top, alerts),
  );

  let loading = false;
  const load = async (): Promise<void> => {
    if (loading) return;
    loading = true;
    const { fromMs, toMs } = resolveRange(range, Date.now());
    const interval = intervalFor(range);
    const q = { from: fromMs, to: toMs };
    const [vol, rate, services, active] = await Promise.allSettled([
      ctx.api.get<{ buckets: VolumeBucket[] }>('/api/v1/stats/volume', { ...q, interval }, ctx.signal),
      ctx.api.get<{ buckets: ErrorRateBucket[] }>('/api/v1/stats/error-rate', { ...q, interval }, ctx.signal),
      ctx.api.get<{ entries: Array<{ key: string; count: number }> }>('/api/v1/stats/top', { ...q, dimension: 'service', limit: 10 }, ctx.signal),
      ctx.api.get<{ alerts: ActiveAlert[] }>('/api/v1/alerts/active', { limit: 50 }, ctx.signal),
    ]);
    loading = false;
    if (ctx.signal.aborted) return;
    for (const chart of charts.splice(0)) chart.destroy();
    const failed = (result: PromiseRejectedResult): HTMLElement => h('p', { class: 'notice error' }, describeError(result.reason));

    if (vol.status === 'fulfilled') {
      const chart = volumeChart('Events per bucket', vol.value.buckets);
      charts.push(chart);
      replaceChildren(volume, volume.firstElementChild, chart.element);
    } else replaceChildren(volume, volume.firstElementChild, failed(vol));

    let errorShare = '-';
    if (rate.status === 'fulfilled') {
      const points = rate.value.buckets.map((b) => ({ t: Date.parse(b.start), v: b.rate === null ? null : b.rate * 100 }));
      const chart = lineChart('Error rate (%)', points, (v) => `${v.toFixed(v < 10 ? 2 : 1)}%`);
      charts.push(chart);
      replaceChildren(errors, errors.firstElementChild, chart.element);
      const totals = rate.value.buckets.reduce((acc, b) => ({ all: acc.all + b.total, errors: acc.errors + b.errors }), { all: 0, errors: 0 });
      errorShare = totals.all === 0 ? '-' : `${((totals.errors / totals.all) * 100).toFixed(2)}%`;
    } else replaceChildren(errors, errors.firstElementChild, failed(rate));

    if (services.status === 'fulfilled') {
      replaceChildren(
        top,
        top.firstElementChild,
        dataTable('Services with the most events in this range', [
          { header: 'Service', cell: (e) => h('a', { href: buildHash('/search', { service: e.key, range: range.kind === 'preset' ? range.key : undefined }) }, e.key) },
          { header: 'Events', cell: (e) => formatCount(e.count), className: 'num' },
        ], services.value.entries, 'No events in this range.'),
      );
    } else replaceChildren(top, top.firstElementChild, failed(services));

    if (active.status === 'fulfilled') {
      replaceChildren(
        alerts,
        alerts.firstElementChild,
        dataTable('Firing alerts, most severe first', [
          { header: 'Severity', cell: (a) => levelBadge(a.severity) },
          { header: 'Service', cell: (a) => a.service },
          { header: 'Rule', cell: (a) => a.ruleName },
          { header: 'Summary', cell: (a) => a.summary },
          { header: 'Since', cell: (a) => formatTime(a.episodeStartedAt) },
        ], active.value.alerts, 'No alert is firing.'),
        h('p', {}, h('a', { href: '#/alerts' }, 'All alerts')),
      );
    } else replaceChildren(alerts, alerts.firstElementChild, failed(active));

    const totalEvents = vol.status === 'fulfilled' ? vol.value.buckets.reduce((sum, b) => sum + b.total, 0) : undefined;
    const card = (label: string, value: string, id: string): HTMLElement => h('div', { class: 'card', 'data-metric': id }, h('span', { class: 'card-label' }, label), h('span', { class: 'card-value' }, value));
    replaceChildren(
      cards,
      card('Events', totalEvents === undefined ? '-' : formatCount(totalEvents), 'events'),
      card('Error rate', errorShare, 'error-rate'),
      card('Firing alerts', active.status === 'fulfilled' ? String(active.value.alerts.length) : '-', 'firing-alerts'),
    );
    updated.textContent = `Updated ${formatTime(Date.now())}.`;
  };

  refreshButton.addEventListener('click', () => void load());
  void load();
  let timer: ReturnType<typeof setInterval> | undefined;
  const schedule = (): void => {
    clearInterval(timer);
    timer = refreshS === 0 ? undefined : setInterval(() => void load(), refreshS * 1000);
  };
  refreshSelect.addEventListener('change', () => {
    refreshS = Number(refreshSelect.value);
    const query = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
    query.set('refresh', String(refreshS));
    ctx.replaceQuery(query);
    schedule();
  });
  schedule();
  ctx.signal.addEventListener('abort', () => {
    clearInterval(timer);
    for (const chart of charts.splice(0)) chart.destroy();
  });
}
