/**
 * The search page: a query bar with syntax help, a time range, facets for service, host and level,
 * results with highlights that expand to every field and their context, paging, and the live tail
 * (server-sent events read with fetch) with pause and resume. The URL holds the query and filters.
 */
import type { Query } from '../api-client.js';
import type { VolumeBucket } from '../chart-data.js';
import { formatCount, h, replaceChildren } from '../dom.js';
import { facetList, type FacetValue } from '../components/facet-list.js';
import { logRow, type LogHit } from '../components/log-row.js';
import { describeError, noticeArea } from '../components/notice.js';
import { timeRangePicker } from '../components/time-range-picker.js';
import type { PageContext } from '../page-context.js';
import { readEventStream } from '../sse-client.js';
import { rangeFromQuery, rangeToQuery, resolveRange, type TimeRange, intervalFor } from '../time-range.js';

/** Levels the API knows, most severe first (the level facet always lists them). */
export const LEVELS = ['FATAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG', 'TRACE', 'UNKNOWN'] as const;
/** Lines kept in the live tail view; older ones drop off the bottom. */
export const TAIL_MAX_LINES = 500;
/** Lines held while the tail is paused; past this the oldest held ones are dropped and counted. */
export const TAIL_MAX_HELD = 2000;
const PAGE_SIZE = 50;

interface SearchAnswer {
  hits: LogHit[];
  total: { value: number; relation: 'eq' | 'gte' };
  took: number;
  nextCursor: string | null;
}

type FacetField = 'service' | 'host' | 'level';
const FACETS: readonly FacetField[] = ['service', 'host', 'level'];

const listOf = (query: URLSearchParams, key: string): string[] => (query.get(key) ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');

/** Renders the search page. */
export function searchPage(ctx: PageContext): void {
  const state = {
    q: ctx.query.get('q') ?? '',
    range: rangeFromQuery(ctx.query) as TimeRange,
    filters: { service: listOf(ctx.query, 'service'), host: listOf(ctx.query, 'host'), level: listOf(ctx.query, 'level') } as Record<FacetField, string[]>,
  };
  let searchController = new AbortController();
  const notice = noticeArea();

  // Query bar.
  const input = h('input', { id: 'search-q', name: 'q', type: 'search', value: state.q, placeholder: 'e.g. "connection refused" -timeout', autocomplete: 'off', maxlength: 1000, 'aria-describedby': 'search-help-hint' });
  const form = h(
    'form',
    { class: 'search-bar', role: 'search' },
    h('label', { for: 'search-q' }, 'Search messages'),
    h('div', { class: 'search-input' }, input, h('button', { type: 'submit' }, 'Search')),
    h('p', { id: 'search-help-hint', class: 'muted' }, 'Press / to focus the search box.'),
    h(
      'details',
      { class: 'syntax-help' },
      h('summary', {}, 'Query syntax'),
      h(
        'ul',
        {},
        h('li', {}, h('code', {}, 'disk full'), ': both words (AND is the default)'),
        h('li', {}, h('code', {}, '"connection refused"'), ': the exact phrase'),
        h('li', {}, h('code', {}, 'timeout | refused'), ': either word (OR)'),
        h('li', {}, h('code', {}, '-healthcheck'), ': without the word (NOT)'),
        h('li', {}, h('code', {}, 'blk_*'), ': words starting with blk_'),
        h('li', {}, h('code', {}, '(a | b) c'), ': grouping'),
        h('li', {}, 'The text searches the message only; use the filters for service, host and level.'),
      ),
    ),
  );

  const facetsBox = h('aside', { class: 'facets', 'aria-label': 'Filters' });
  const status = h('p', { class: 'result-status', 'aria-live': 'polite' });
  const results = h('ol', { class: 'results', 'aria-label': 'Search results' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  const tail = liveTail(ctx, () => tailQuery());

  const rangePicker = (): HTMLElement =>
    timeRangePicker(state.range, (next) => {
      state.range = next;
      void runSearch();
    });
  const pickerSlot = h('div', { class: 'toolbar' }, rangePicker(), tail.button);

  ctx.root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Search')),
    form,
    pickerSlot,
    notice.element,
    h('div', { class: 'search-layout' }, facetsBox, h('section', { class: 'search-results', 'aria-label': 'Results' }, tail.panel, status, results, more)),
  );

  const filterQuery = (): Query => ({ service: state.filters.service, host: state.filters.host, level: state.filters.level });
  const tailQuery = (): Query => ({ q: state.q.trim() === '' ? undefined : state.q.trim(), ...filterQuery() });

  const syncUrl = (): void => {
    const query = new URLSearchParams();
    if (state.q !== '') query.set('q', state.q);
    rangeToQuery(state.range, query);
    for (const field of FACETS) if (state.filters[field].length > 0) query.set(field, state.filters[field].join(','));
    ctx.replaceQuery(query);
  };

  const loadFacets = async (signal: AbortSignal): Promise<void> => {
    const { fromMs, toMs } = resolveRange(state.range, Date.now());
    const top = (dimension: 'service' | 'host') => ctx.api.get<{ entries: Array<{ key: string; count: number }> }>('/api/v1/stats/top', { from: fromMs, to: toMs, dimension, limit: 15 }, signal);
    const [services, hosts, volume] = await Promise.allSettled([top('service'), top('host'), ctx.api.get<{ buckets: VolumeBucket[] }>('/api/v1/stats/volume', { from: fromMs, to: toMs, interval: intervalFor(state.range) }, signal)]);
    if (signal.aborted) return;
    const levelCounts = new Map<string, number>();
    if (volume.status === 'fulfilled') for (const bucket of volume.value.buckets) for (const [level, n] of Object.entries(bucket.byLevel)) levelCounts.set(level, (levelCounts.get(level) ?? 0) + n);
    const values: Record<FacetField, FacetValue[]> = {
      service: services.status === 'fulfilled' ? services.value.entries : [],
      host: hosts.status === 'fulfilled' ? hosts.value.entries : [],
      level: LEVELS.map((level) => (volume.status === 'fulfilled' ? { key: level, count: levelCounts.get(level) ?? 0 } : { key: level })),
    };
    const titles: Record<FacetField, string> = { service: 'Service', host: 'Host', level: 'Level' };
    replaceChildren(
      facetsBox,
      h('h2', {}, 'Filters'),
      ...FACETS.map((field) =>
        facetList(titles[field], field, values[field], state.filters[field], (selected) => {
          state.filters[field] = selected;
          void runSearch({ keepFacets: true });
          tail.restartIfRunning();
        }),
      ),
      h('p', { class: 'muted small' }, 'Counts cover the time range, not the query text.'),
    );
  };

  const runSearch = async (options: { keepFacets?: boolean } = {}): Promise<void> => {
    searchController.abort();
    searchController = new AbortController();
    const signal = AbortSignal.any([searchController.signal, ctx.signal]);
    syncUrl();
    notice.clear();
    status.textContent = 'Searching…';
    replaceChildren(results);
    more.hidden = true;
    if (options.keepFacets !== true) void loadFacets(signal);
    await fetchPage(undefined, signal);
  };

  const fetchPage = async (cursor: string | undefined, signal: AbortSignal): Promise<void> => {
    const { fromMs, toMs } = resolveRange(state.range, Date.now());
    try {
      const answer = await ctx.api.get<SearchAnswer>('/api/v1/logs/search', { q: state.q.trim() === '' ? undefined : state.q, from: fromMs, to: toMs, size: PAGE_SIZE, cursor, ...filterQuery() }, signal);
      if (signal.aborted) return;
      for (const hit of answer.hits) results.appendChild(logRow(hit, ctx.api, ctx.signal));
      const shown = results.childElementCount;
      status.textContent = shown === 0 ? 'No log line matches.' : `${formatCount(answer.total.value)}${answer.total.relation === 'gte' ? '+' : ''} matching lines (showing ${formatCount(shown)}, ${answer.took} ms).`;
      more.hidden = answer.nextCursor === null;
      more.onclick = () => {
        more.disabled = true;
        void fetchPage(answer.nextCursor ?? undefined, signal).finally(() => {
          more.disabled = false;
        });
      };
    } catch (error) {
      if (signal.aborted) return;
      status.textContent = '';
      notice.error(error);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.q = input.value;
    void runSearch({ keepFacets: true });
    tail.restartIfRunning();
  });

  void runSearch();
}

/** The live tail control and view for the search page. */
function liveTail(ctx: PageContext, query: () => Query): { button: HTMLButtonElement; panel: HTMLElement; restartIfRunning(): void } {
  let controller: AbortController | undefined;
  let paused = false;
  let held: LogHit[] = [];
  let dropped = 0;
  const button = h('button', { type: 'button', 'aria-pressed': 'false' }, 'Live tail');
  const pause = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false' }, 'Pause');
  const state = h('p', { class: 'tail-state', role: 'status' });
  const lines = h('ol', { class: 'results tail-lines', 'aria-label': 'Live tail lines, newest first' });
  const panel = h('section', { class: 'tail-panel', hidden: true, 'aria-label': 'Live tail' }, h('div', { class: 'toolbar' }, h('h2', {}, 'Live tail'), pause, state), lines);

  const show = (hit: LogHit): void => {
    lines.insertBefore(logRow(hit, ctx.api, ctx.signal), lines.firstChild);
    while (lines.childElementCount > TAIL_MAX_LINES) lines.lastElementChild?.remove();
  };
  const describe = (text: string): void => {
    state.textContent = text;
  };

  const start = (): void => {
    stop();
    const current = new AbortController();
    controller = current;
    const signal = AbortSignal.any([current.signal, ctx.signal]);
    button.setAttribute('aria-pressed', 'true');
    button.textContent = 'Stop live tail';
    panel.hidden = false;
    describe('Connecting…');
    ctx.api
      .stream('/api/v1/logs/tail', query(), signal)
      .then((response) =>
        readEventStream(
          response,
          (message) => {
            if (message.event === 'ready') describe(paused ? 'Paused.' : 'Live: new lines appear at the top.');
            else if (message.event === 'skipped') describe(`The connection fell behind: ${message.data} skipped.`);
            else if (message.event === 'log') {
              let event: Record<string, unknown>;
              try {
                event = JSON.parse(message.data) as Record<string, unknown>;
              } catch {
                return;
              }
              const hit: LogHit = { id: typeof event['eventId'] === 'string' ? event['eventId'] : String(message.id ?? ''), event };
              if (!paused) show(hit);
              else {
                held.push(hit);
                if (held.length > TAIL_MAX_HELD) {
                  dropped += held.length - TAIL_MAX_HELD;
                  held = held.slice(-TAIL_MAX_HELD);
                }
                describe(`Paused: ${formatCount(held.length + dropped)} new lines waiting.`);
              }
            }
          },
          signal,
        ),
      )
      .then(() => {
        if (!signal.aborted) describe('The server ended the live tail. Press Live tail to reconnect.');
      })
      .catch((error: unknown) => {
        if (!signal.aborted) describe(`Live tail stopped: ${describeError(error)}`);
      })
      .finally(() => {
        if (controller === current && !signal.aborted) {
          button.setAttribute('aria-pressed', 'false');
          button.textContent = 'Live tail';
        }
      });
  };
  const stop = (): void => {
    controller?.abort();
    controller = undefined;
    button.setAttribute('aria-pressed', 'false');
    button.textContent = 'Live tail';
  };

  button.addEventListener('click', () => {
    if (controller === undefined) start();
    else {
      stop();
      describe('Stopped.');
    }
  });
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    if (paused) describe('Paused: new lines are held.');
    else {
      for (const hit of held) show(hit);
      describe(dropped > 0 ? `Live; ${formatCount(dropped)} lines were dropped while paused.` : 'Live: new lines appear at the top.');
      held = [];
      dropped = 0;
    }
  });
  ctx.signal.addEventListener('abort', stop);
  return {
    button,
    panel,
    restartIfRunning: () => {
      if (controller !== undefined) start();
    },
  };
}
