/**
 * Delivery per source: for each log source, what its agent read and had acknowledged by Kafka
 * (spooled, dropped and truncated lines too) against the events the OpenSearch sink stored, and
 * which agents could not be asked. Refreshes every 30 s.
 */
import { formatCount, h, replaceChildren } from '../dom.js';
import { dataTable } from '../components/data-table.js';
import { noticeArea } from '../components/notice.js';
import type { PageContext } from '../page-context.js';

interface AgentCounts {
  read: number;
  acknowledged: number;
  spooled: number;
  dropped: number;
  truncated: number;
}

/** One source as /api/v1/delivery reports it. */
interface SourceDelivery {
  source: string;
  agent: AgentCounts | null;
  storedOpenSearch: number;
  notYetStored: number | null;
}

interface DeliveryReport {
  sources: SourceDelivery[];
  agentsUnreachable: Array<{ url: string; error: string }>;
}

const count = (value: number | undefined): string => (value === undefined ? '-' : formatCount(value));

/** Renders the delivery table; refreshes every 30 s. */
export function deliveryPage(ctx: PageContext): void {
  const notice = noticeArea();
  const body = h('div', {});
  ctx.root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Delivery per source')),
    h('p', { class: 'muted' }, 'Agent counters count since each agent started; stored counts cover every log index.'),
    notice.element,
    body,
  );
  const load = async (): Promise<void> => {
    try {
      const report = await ctx.api.get<DeliveryReport>('/api/v1/delivery', {}, ctx.signal);
      replaceChildren(
        body,
        report.agentsUnreachable.length === 0
          ? null
          : h('div', { class: 'notice error', role: 'alert' }, h('p', {}, 'Agents that did not answer:'), h('ul', {}, ...report.agentsUnreachable.map((a) => h('li', {}, h('code', {}, a.url), `: ${a.error}`)))),
        dataTable('Sources', [
          { header: 'Source', cell: (s) => s.source },
          { header: 'Read', cell: (s) => count(s.agent?.read), className: 'num' },
          { header: 'Acknowledged', cell: (s) => count(s.agent?.acknowledged), className: 'num' },
          { header: 'Spooled', cell: (s) => count(s.agent?.spooled), className: 'num' },
          { header: 'Dropped', cell: (s) => h('span', { class: (s.agent?.dropped ?? 0) > 0 ? 'state-firing' : undefined }, count(s.agent?.dropped)), className: 'num' },
          { header: 'Truncated', cell: (s) => count(s.agent?.truncated), className: 'num' },
          { header: 'Stored (OpenSearch)', cell: (s) => count(s.storedOpenSearch), className: 'num' },
          { header: 'Not yet stored', cell: (s) => (s.notYetStored === null ? '-' : h('span', { class: s.notYetStored > 0 ? 'state-firing' : undefined }, formatCount(s.notYetStored))), className: 'num' },
        ], report.sources, 'No source has delivered anything yet.'),
      );
    } catch (error) {
      if (!ctx.signal.aborted) notice.error(error);
    }
  };
  void load();
  const timer = setInterval(() => void load(), 30_000);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}
