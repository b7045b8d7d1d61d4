/** Alert pages: the firing alerts (with acknowledge and a link to silence) and the history of transitions. */
import { formatTime, h, replaceChildren } from '../dom.js';
import { dataTable } from '../components/data-table.js';
import { levelBadge } from '../components/level-badge.js';
import { noticeArea } from '../components/notice.js';
import { timeRangePicker } from '../components/time-range-picker.js';
import type { PageContext } from '../page-context.js';
import { buildHash } from '../route-match.js';
import { rangeFromQuery, rangeToQuery, resolveRange, type TimeRange } from '../time-range.js';

/** An alert as /api/v1/alerts/active returns it. */
export interface ActiveAlert {
  fingerprint: string;
  state: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  severity: string;
  service: string;
  episodeStartedAt: string;
  lastEventTime: string;
  summary: string;
  labels: Record<string, string>;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

interface HistoryEntry {
  alertId: string;
  fingerprint: string;
  state: string;
  ruleName: string;
  severity: string;
  service: string;
  eventTime: string;
  summary: string;
}

/** The tabs shared by the alert pages. */
export function alertTabs(current: 'active' | 'history' | 'rules' | 'silences'): HTMLElement {
  const tab = (key: typeof current, href: string, label: string): HTMLElement => h('a', { href, class: 'tab', 'aria-current': key === current ? 'page' : undefined }, label);
  return h('nav', { class: 'tabs', 'aria-label': 'Alert pages' }, tab('active', '#/alerts', 'Active'), tab('history', '#/alerts/history', 'History'), tab('rules', '#/rules', 'Rules'), tab('silences', '#/silences', 'Silences'));
}

/** Firing alerts, most severe first, with acknowledge for editors; refreshes every 30 s. */
export function activeAlertsPage(ctx: PageContext): void {
  const notice = noticeArea();
  const body = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' });
  ctx.root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Alerts')), alertTabs('active'), notice.element, body);
  const canEdit = ctx.session.can('editor');

  const load = async (): Promise<void> => {
    try {
      const { alerts } = await ctx.api.get<{ alerts: ActiveAlert[] }>('/api/v1/alerts/active', { limit: 500 }, ctx.signal);
      replaceChildren(
        body,
        dataTable('Firing alerts', [
          { header: 'Severity', cell: (a) => levelBadge(a.severity) },
          { header: 'Service', cell: (a) => a.service },
          { header: 'Rule', cell: (a) => a.ruleName },
          { header: 'Summary', cell: (a) => a.summary },
          { header: 'Since', cell: (a) => formatTime(a.episodeStartedAt) },
          { header: 'Last seen', cell: (a) => formatTime(a.lastEventTime) },
          {
            header: 'Acknowledged',
            cell: (a) => {
              if (a.acknowledgedBy !== null) return `by ${a.acknowledgedBy} at ${formatTime(a.acknowledgedAt)}`;
              if (!canEdit) return 'no';
              const button = h('button', { type: 'button', class: 'secondary', 'aria-label': `Acknowledge ${a.ruleName} on ${a.service}` }, 'Acknowledge');
              button.addEventListener('click', () => {
                button.disabled = true;
                ctx.api
                  .post(`/api/v1/alerts/${encodeURIComponent(a.fingerprint)}/acknowledge`, undefined, ctx.signal)
                  .then(() => {
                    notice.show('success', `Acknowledged ${a.ruleName} on ${a.service}.`);
                    return load();
                  })
                  .catch((error: unknown) => {
                    button.disabled = false;
                    notice.error(error);
                  });
              });
              return button;
            },
          },
          { header: '', cell: (a) => h('a', { href: buildHash('/silences', { service: a.service, rule_id: a.ruleId }), 'aria-label': `Silence ${a.ruleName} on ${a.service}` }, 'Silence…') },
        ], alerts, 'No alert is firing.'),
      );
      body.setAttribute('aria-busy', 'false');
    } catch (error) {
      if (!ctx.signal.aborted) notice.error(error);
    }
  };
  void load();
  const timer = setInterval(() => void load(), 30_000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}

/** FIRING and RESOLVED transitions in a time range, newest first. */
export function alertHistoryPage(ctx: PageContext): void {
  let range: TimeRange = rangeFromQuery(ctx.query, { kind: 'preset', key: '24h' });
  const notice = noticeArea();
  const body = h('div', {});
  const load = async (): Promise<void> => {
    const { fromMs, toMs } = resolveRange(range, Date.now());
    try {
      const { events } = await ctx.api.get<{ events: HistoryEntry[] }>('/api/v1/alerts/history', { from: fromMs, to: toMs, limit: 500 }, ctx.signal);
      replaceChildren(
        body,
        dataTable('Alert transitions, newest first', [
          { header: 'Time', cell: (e) => formatTime(e.eventTime) },
          { header: 'State', cell: (e) => h('span', { class: `state state-${e.state.toLowerCase()}` }, e.state) },
          { header: 'Severity', cell: (e) => levelBadge(e.severity) },
          { header: 'Service', cell: (e) => e.service },
          { header: 'Rule', cell: (e) => e.ruleName },
          { header: 'Summary', cell: (e) => e.summary },
        ], events, 'No alert changed state in this range.'),
      );
    } catch (error) {
      if (!ctx.signal.aborted) notice.error(error);
    }
  };
  const picker = timeRangePicker(range, (next) => {
    range = next;
    const query = new URLSearchParams();
    rangeToQuery(range, query);
    ctx.replaceQuery(query);
    void load();
  });
  ctx.root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Alert history')), alertTabs('history'), h('div', { class: 'toolbar' }, picker), notice.element, body);
  void load();
}
