/** Silences: the active ones (or all), a form to create one from label matchers, and delete. */
import { formatTime, h, replaceChildren } from '../dom.js';
import { dataTable } from '../components/data-table.js';
import { noticeArea } from '../components/notice.js';
import type { PageContext } from '../page-context.js';
import { alertTabs } from './alerts.js';

interface Matcher {
  label: string;
  value: string;
  isRegex: boolean;
}

interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

const DURATIONS = [
  { label: '1 hour', ms: 3_600_000 },
  { label: '4 hours', ms: 4 * 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '1 week', ms: 7 * 86_400_000 },
];

/** Renders the silences page; `service` and `rule_id` in the query prefill the matchers. */
export function silencesPage(ctx: PageContext): void {
  const notice = noticeArea();
  const list = h('div', {});
  const showAll = h('input', { type: 'checkbox', id: 'silences-all' });
  const canEdit = ctx.session.can('editor');

  const load = async (): Promise<void> => {
    try {
      const { silences } = await ctx.api.get<{ silences: Silence[] }>('/api/v1/silences', { all: showAll.checked ? 'true' : 'false' }, ctx.signal);
      replaceChildren(
        list,
        dataTable(showAll.checked ? 'All silences' : 'Active and future silences', [
          { header: 'Matchers', cell: (s) => s.matchers.map((m) => `${m.label}${m.isRegex ? '=~' : '='}"${m.value}"`).join(', ') },
          { header: 'Starts', cell: (s) => formatTime(s.startsAt) },
          { header: 'Ends', cell: (s) => formatTime(s.endsAt) },
          { header: 'By', cell: (s) => s.createdBy },
          { header: 'Comment', cell: (s) => s.comment },
          {
            header: '',
            cell: (s) => {
              if (!canEdit) return null;
              const button = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete silence ${s.matchers.map((m) => `${m.label}=${m.value}`).join(' ')}` }, 'Delete');
              button.addEventListener('click', () => {
                if (!window.confirm('Delete this silence? Notifications for matching alerts resume.')) return;
                ctx.api
                  .delete(`/api/v1/silences/${encodeURIComponent(s.id)}`, ctx.signal)
                  .then(() => {
                    notice.show('success', 'Silence deleted.');
                    return load();
                  })
                  .catch((error: unknown) => notice.error(error));
              });
              return button;
            },
          },
        ], silences, 'No silence.'),
      );
    } catch (error) {
      if (!ctx.signal.aborted) notice.error(error);
    }
  };
  showAll.addEventListener('change', () => void load());

  ctx.root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Silences')),
    alertTabs('silences'),
    notice.element,
    canEdit ? silenceForm(ctx, notice, load) : h('p', { class: 'muted' }, 'Creating silences needs the editor role.'),
    h('div', { class: 'toolbar' }, h('label', { for: 'silences-all' }, showAll, ' Show expired silences too')),
    list,
  );
  void load();
}

function silenceForm(ctx: PageContext, notice: ReturnType<typeof noticeArea>, reload: () => Promise<void>): HTMLElement {
  const rows = h('div', { class: 'matchers' });
  let counter = 0;
  const addRow = (matcher: Partial<Matcher> = {}): void => {
    counter += 1;
    const n = counter;
    const label = h('input', { id: `m-label-${n}`, required: true, maxlength: 128, value: matcher.label ?? '' });
    const value = h('input', { id: `m-value-${n}`, maxlength: 256, value: matcher.value ?? '' });
    const regex = h('input', { id: `m-regex-${n}`, type: 'checkbox', checked: matcher.isRegex === true });
    const remove = h('button', { type: 'button', class: 'secondary', 'aria-label': `Remove matcher ${n}` }, 'Remove');
    const row = h('div', { class: 'matcher', 'data-matcher': n }, h('label', { for: label.id }, 'Label'), label, h('label', { for: value.id }, 'Value'), value, h('label', { for: regex.id }, regex, ' regex'), remove);
    remove.addEventListener('click', () => {
      if (rows.childElementCount > 1) row.remove();
    });
    rows.appendChild(row);
  };
  const service = ctx.query.get('service');
  const ruleId = ctx.query.get('rule_id');
  if (service !== null) addRow({ label: 'service', value: service });
  if (ruleId !== null) addRow({ label: 'rule_id', value: ruleId });
  if (rows.childElementCount === 0) addRow({ label: 'service' });

  const duration = h('select', { id: 'silence-duration' }, ...DURATIONS.map((d, i) => h('option', { value: d.ms, selected: i === 1 }, d.label)));
  const comment = h('textarea', { id: 'silence-comment', rows: 2, maxlength: 2000 });
  const add = h('button', { type: 'button', class: 'secondary' }, 'Add matcher');
  add.addEventListener('click', () => addRow());
  const submit = h('button', { type: 'submit' }, 'Create silence');
  const form = h(
    'form',
    { class: 'panel silence-form', 'aria-labelledby': 'silence-form-title' },
    h('h2', { id: 'silence-form-title' }, 'New silence'),
    h('p', { class: 'muted' }, 'Every matcher must match a label of the alert (service, rule_id and the rule labels).'),
    rows,
    add,
    h('label', { for: 'silence-duration' }, 'Duration'),
    duration,
    h('label', { for: 'silence-comment' }, 'Comment'),
    comment,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const matchers: Matcher[] = [...rows.querySelectorAll('.matcher')].map((row) => {
      const inputs = row.querySelectorAll('input');
      return { label: inputs[0]!.value.trim(), value: inputs[1]!.value, isRegex: inputs[2]!.checked };
    });
    submit.disabled = true;
    ctx.api
      .post('/api/v1/silences', { matchers, endsAt: new Date(Date.now() + Number(duration.value)).toISOString(), comment: comment.value }, ctx.signal)
      .then(() => {
        notice.show('success', 'Silence created.');
        comment.value = '';
        return reload();
      })
      .catch((error: unknown) => notice.error(error))
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}
