/**
 * One search result or live-tail line: a summary button (time, level, service, host, message with
 * highlights) that expands to every field of the event and, on request, its surrounding lines.
 */
import type { ApiClient } from '../api-client.js';
import { formatTime, h, replaceChildren } from '../dom.js';
import { valueText } from './data-table.js';
import { highlightedText } from './highlighted-text.js';
import { levelBadge } from './level-badge.js';
import { describeError } from './notice.js';

/** A hit as the API returns it. */
export interface LogHit {
  readonly id: string;
  readonly event: Record<string, unknown>;
  readonly highlight?: readonly string[];
}

/** Context of an event as /logs/:id/context returns it. */
interface ContextAnswer {
  event: LogHit;
  before: LogHit[];
  after: LogHit[];
  by: 'sourceOffset' | 'time';
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));

/** The one-line summary of an event (used in rows and context lists). */
function summary(hit: LogHit): HTMLElement {
  const e = hit.event;
  const message = hit.highlight?.[0] !== undefined ? highlightedText(hit.highlight[0]) : h('span', { class: 'message' }, str(e['message']));
  return h(
    'span',
    { class: 'log-summary' },
    h('time', { datetime: str(e['@timestamp']) }, formatTime(typeof e['timestampMs'] === 'number' ? e['timestampMs'] : str(e['@timestamp']))),
    levelBadge(str(e['level']) || 'UNKNOWN'),
    h('span', { class: 'service' }, str(e['service'])),
    h('span', { class: 'host' }, str(e['host'])),
    message,
  );
}

/** A `<li>` for `hit`; the details (all fields, context) load when it is expanded. */
export function logRow(hit: LogHit, api: ApiClient, signal: AbortSignal): HTMLLIElement {
  const detailsId = `log-${hit.id.replace(/[^A-Za-z0-9_-]/g, '_')}-${Math.random().toString(36).slice(2, 7)}`;
  const details = h('div', { class: 'log-details', id: detailsId, hidden: true });
  const toggle = h('button', { type: 'button', class: 'log-toggle', 'aria-expanded': 'false', 'aria-controls': detailsId }, summary(hit));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    details.hidden = !open;
    if (open && details.childElementCount === 0) renderDetails(details, hit, api, signal);
  });
  return h('li', { class: 'log-row', 'data-event-id': hit.id }, toggle, details);
}

function renderDetails(details: HTMLElement, hit: LogHit, api: ApiClient, signal: AbortSignal): void {
  const fields = Object.entries(hit.event).sort(([a], [b]) => a.localeCompare(b));
  const list = h('dl', { class: 'fields' }, ...fields.flatMap(([key, value]) => [h('dt', {}, key), h('dd', {}, typeof value === 'object' && value !== null ? JSON.stringify(value, null, 1) : valueText(value))]));
  const contextArea = h('div', { class: 'context', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'secondary' }, 'Show surrounding lines');
  button.addEventListener('click', () => {
    button.disabled = true;
    replaceChildren(contextArea, h('p', {}, 'Loading context…'));
    api
      .get<ContextAnswer>(`/api/v1/logs/${encodeURIComponent(hit.id)}/context`, { before: 10, after: 10 }, signal)
      .then((answer) => {
        const line = (other: LogHit, current: boolean) => h('li', { class: current ? 'current' : undefined, 'aria-current': current ? 'true' : undefined }, summary(other));
        replaceChildren(
          contextArea,
          h('p', { class: 'muted' }, answer.by === 'sourceOffset' ? 'Neighbouring lines of the same file, in order.' : 'Lines of the same host and service around this time.'),
          h('ol', { class: 'context-lines' }, ...answer.before.map((b) => line(b, false)), line(answer.event, true), ...answer.after.map((a) => line(a, false))),
        );
      })
      .catch((error: unknown) => {
        if (!signal.aborted) replaceChildren(contextArea, h('p', { class: 'notice error' }, describeError(error)));
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  replaceChildren(details, list, h('div', { class: 'actions' }, button), contextArea);
}
