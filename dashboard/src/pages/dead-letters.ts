/** Dead letters: the newest records the pipeline could not process, with their reasons; admins can replay them (dry run first). */
import { append, formatTime, h, replaceChildren } from '../dom.js';
import { dataTable } from '../components/data-table.js';
import { noticeArea } from '../components/notice.js';
import type { PageContext } from '../page-context.js';

interface DeadLetter {
  partition: number;
  offset: string;
  reason: string | null;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  processor: string | null;
  timestamp: string | null;
  key: string | null;
  valueBytes: number;
}

interface ReplaySummary {
  scanned: number;
  matched: number;
  replayed: number;
  skipped: number;
  byTopic: Record<string, number>;
}

/** Renders the dead-letter list and, for admins, the replay form. */
export function deadLettersPage(ctx: PageContext): void {
  const notice = noticeArea();
  const list = h('div', { 'aria-busy': 'true' });
  const load = async (): Promise<void> => {
    try {
      const answer = await ctx.api.get<{ topic: string; letters: DeadLetter[] }>('/api/v1/dead-letters', { limit: 200 }, ctx.signal);
      replaceChildren(
        list,
        dataTable(`Newest dead letters on ${answer.topic}`, [
          { header: 'Time', cell: (d) => formatTime(d.timestamp) },
          { header: 'Reason', cell: (d) => d.reason ?? '-' },
          { header: 'Processor', cell: (d) => d.processor ?? '-' },
          { header: 'Source', cell: (d) => (d.sourceTopic === null ? '-' : `${d.sourceTopic}/${d.sourcePartition ?? '?'}@${d.sourceOffset ?? '?'}`) },
          { header: 'Key', cell: (d) => d.key ?? '-' },
          { header: 'Bytes', cell: (d) => String(d.valueBytes), className: 'num' },
          { header: 'DLQ position', cell: (d) => `${d.partition}@${d.offset}` },
        ], [...answer.letters].reverse(), 'No dead letters.'),
      );
      list.setAttribute('aria-busy', 'false');
    } catch (error) {
      if (!ctx.signal.aborted) notice.error(error);
    }
  };
  append(ctx.root, h('div', { class: 'page-head' }, h('h1', {}, 'Dead letters')), notice.element, ctx.session.can('admin') ? replayForm(ctx, notice, load) : null, list);
  void load();
}

function replayForm(ctx: PageContext, notice: ReturnType<typeof noticeArea>, reload: () => Promise<void>): HTMLElement {
  const reason = h('input', { id: 'replay-reason', maxlength: 500, placeholder: 'any reason' });
  const dryRun = h('input', { id: 'replay-dry', type: 'checkbox', checked: true });
  const submit = h('button', { type: 'submit' }, 'Replay');
  const form = h(
    'form',
    { class: 'panel', 'aria-labelledby': 'replay-title' },
    h('h2', { id: 'replay-title' }, 'Replay'),
    h('p', { class: 'muted' }, 'Sends matching dead letters back to their source topics once the cause is fixed; the stores skip events they already hold.'),
    h('label', { for: 'replay-reason' }, 'Only reasons containing'),
    reason,
    h('label', { for: 'replay-dry' }, dryRun, ' Dry run (count only)'),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!dryRun.checked && !window.confirm('Replay the matching dead letters now?')) return;
    submit.disabled = true;
    ctx.api
      .post<ReplaySummary>('/api/v1/dead-letters/replay', { ...(reason.value.trim() === '' ? {} : { reason: reason.value.trim() }), dryRun: dryRun.checked }, ctx.signal)
      .then((s) => {
        notice.show('success', `${dryRun.checked ? 'Dry run: ' : ''}scanned ${s.scanned}, matched ${s.matched}, replayed ${s.replayed}, skipped ${s.skipped}.`);
        return reload();
      })
      .catch((error: unknown) => notice.error(error))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}
