/**
 * Alert rules: the list, and an editor for one rule (every AlertRule field the API accepts, the
 * parameters of the chosen kind, labels) with a backtest preview of the saved rule over the stored
 * statistics: when it would have fired in the last N hours.
 */
import { formatTime, h, replaceChildren } from '../dom.js';
import { episodeChart, type Chart } from '../components/chart.js';
import { dataTable } from '../components/data-table.js';
import { levelBadge } from '../components/level-badge.js';
import { noticeArea } from '../components/notice.js';
import type { PageContext } from '../page-context.js';
import { alertTabs } from './alerts.js';

const KINDS = ['ERROR_SPIKE', 'LATENCY_ANOMALY', 'THRESHOLD', 'ABSENCE'] as const;
type Kind = (typeof KINDS)[number];
const PARAMS_KEY: Record<Kind, string> = { ERROR_SPIKE: 'errorSpike', LATENCY_ANOMALY: 'latencyAnomaly', THRESHOLD: 'threshold', ABSENCE: 'absence' };

interface ParamSpec {
  name: string;
  label: string;
  default: number | string;
  options?: readonly string[];
  step?: string;
}
const fireAfter: ParamSpec = { name: 'fireAfterWindows', label: 'Fire after N anomalous windows', default: 1 };
const ewma: ParamSpec = { name: 'ewmaAlpha', label: 'Baseline smoothing (EWMA alpha, 0-1)', default: 0.1, step: '0.01' };
const warmup: ParamSpec = { name: 'warmupWindows', label: 'Warm-up windows before judging', default: 5 };
/** The parameters of each kind, as the API's rule schema lists them with its defaults. */
const PARAMS: Record<Kind, readonly ParamSpec[]> = {
  ERROR_SPIKE: [{ name: 'zScoreThreshold', label: 'z-score threshold', default: 4, step: '0.1' }, { name: 'minCount', label: 'Minimum errors in a window', default: 10 }, fireAfter, ewma, warmup],
  LATENCY_ANOMALY: [
    { name: 'quantile', label: 'Quantile', default: 'P95', options: ['P50', 'P95', 'P99'] },
    { name: 'ratioThreshold', label: 'Ratio to baseline', default: 3, step: '0.1' },
    { name: 'floorMs', label: 'Ignore latencies below (ms)', default: 100 },
    fireAfter,
    ewma,
    warmup,
  ],
  THRESHOLD: [
    { name: 'metric', label: 'Metric', default: 'ERROR_COUNT', options: ['COUNT', 'ERROR_COUNT', 'ERROR_RATIO'] },
    { name: 'comparison', label: 'Comparison', default: 'ABOVE', options: ['ABOVE', 'BELOW'] },
    { name: 'value', label: 'Value', default: 100, step: 'any' },
    fireAfter,
  ],
  ABSENCE: [{ name: 'absentForMs', label: 'Silent for (ms)', default: 300_000 }],
};

/** A stored rule as the API returns it. */
interface StoredRule {
  rule: Record<string, unknown> & { id: string; name: string; kind: Kind; severity: string; service: string | null; enabled: boolean };
  version: number;
  createdBy: string;
  updatedAt: string;
}

interface BacktestAnswer {
  fromMs: number;
  toMs: number;
  windowsEvaluated: number;
  services: number;
  episodes: Array<{ service: string; startedAtMs: number; firedAtMs: number; resolvedAtMs: number | null; summary: string; observedValue: number; threshold: number }>;
}

/** The list of rules with links to the editor. */
export async function rulesPage(ctx: PageContext): Promise<void> {
  const notice = noticeArea();
  const body = h('div', {});
  ctx.root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Alert rules'), ctx.session.can('editor') ? h('a', { href: '#/rules/new', class: 'button' }, 'New rule') : null),
    alertTabs('rules'),
    notice.element,
    body,
  );
  try {
    const { rules } = await ctx.api.get<{ rules: StoredRule[] }>('/api/v1/alert-rules', {}, ctx.signal);
    replaceChildren(
      body,
      dataTable('Alert rules', [
        { header: 'Name', cell: (r) => h('a', { href: `#/rules/${encodeURIComponent(r.rule.id)}` }, r.rule.name) },
        { header: 'Kind', cell: (r) => r.rule.kind },
        { header: 'Severity', cell: (r) => levelBadge(r.rule.severity) },
        { header: 'Service', cell: (r) => r.rule.service ?? 'every service' },
        { header: 'Enabled', cell: (r) => (r.rule.enabled ? 'yes' : 'no') },
        { header: 'Updated', cell: (r) => formatTime(r.updatedAt) },
      ], rules, 'No rule yet.'),
    );
  } catch (error) {
    if (!ctx.signal.aborted) notice.error(error);
  }
}

/** The editor of one rule (`:id`), or of a new one when the route has no id. */
export async function ruleEditorPage(ctx: PageContext): Promise<void> {
  const id = ctx.params['id'];
  const notice = noticeArea();
  let stored: StoredRule | undefined;
  if (id !== undefined) {
    try {
      stored = await ctx.api.get<StoredRule>(`/api/v1/alert-rules/${encodeURIComponent(id)}`, {}, ctx.signal);
    } catch (error) {
      ctx.root.append(h('h1', {}, 'Alert rule'), alertTabs('rules'), notice.element);
      notice.error(error);
      return;
    }
  }
  const rule = stored?.rule;
  const canEdit = ctx.session.can('editor');
  const field = (name: string, label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement => {
    input.id = `rule-${name}`;
    input.name = name;
    if (!canEdit) input.disabled = true;
    return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint === undefined ? null : h('small', { class: 'muted' }, hint));
  };
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const name = h('input', { required: true, maxlength: 200, value: text(rule?.name) });
  const description = h('textarea', { rows: 2, maxlength: 2000 }, text(rule?.['description']));
  const kind = h('select', {}, ...KINDS.map((k) => h('option', { value: k, selected: (rule?.kind ?? 'ERROR_SPIKE') === k }, k)));
  const severity = h('select', {}, ...['INFO', 'WARNING', 'CRITICAL'].map((s) => h('option', { value: s, selected: (rule?.severity ?? 'WARNING') === s }, s)));
  const service = h('input', { maxlength: 256, value: text(rule?.service), placeholder: 'every service' });
  const windowSize = h('select', {}, ...[10_000, 60_000].map((ms) => h('option', { value: ms, selected: (rule?.['windowSizeMs'] ?? 60_000) === ms }, `${ms / 1000} s`)));
  const resolveAfter = h('input', { type: 'number', min: 1, max: 1000, value: Number(rule?.['resolveAfterWindows'] ?? 1) });
  const enabled = h('input', { type: 'checkbox', checked: rule?.enabled ?? true, id: 'rule-enabled' });
  const labels = h('textarea', { rows: 3 }, Object.entries((rule?.['labels'] as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`).join('\n'));
  const params = h('fieldset', { class: 'params' });

  const renderParams = (): void => {
    const k = kind.value as Kind;
    const current = (rule?.kind === k ? (rule[PARAMS_KEY[k]] as Record<string, unknown> | null) : null) ?? {};
    replaceChildren(
      params,
      h('legend', {}, `${k} parameters`),
      ...PARAMS[k].map((spec) => {
        const value = current[spec.name] ?? spec.default;
        const input = spec.options === undefined
          ? h('input', { type: 'number', step: spec.step ?? '1', value: String(value), 'data-param': spec.name })
          : h('select', { 'data-param': spec.name }, ...spec.options.map((o) => h('option', { value: o, selected: o === value }, o)));
        return field(`param-${spec.name}`, spec.label, input);
      }),
    );
  };
  kind.addEventListener('change', renderParams);
  renderParams();

  const readBody = (): Record<string, unknown> => {
    const k = kind.value as Kind;
    const paramValues: Record<string, unknown> = {};
    for (const input of params.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-param]')) {
      const spec = PARAMS[k].find((p) => p.name === input.dataset['param'])!;
      paramValues[spec.name] = spec.options === undefined ? Number(input.value) : input.value;
    }
    const labelMap: Record<string, string> = {};
    for (const line of labels.value.split('\n')) {
      const at = line.indexOf('=');
      if (line.trim() === '') continue;
      if (at <= 0) throw new Error(`Label line "${line}" is not name=value.`);
      labelMap[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return {
      name: name.value.trim(),
      description: description.value.trim() === '' ? null : description.value,
      kind: k,
      enabled: enabled.checked,
      severity: severity.value,
      service: service.value.trim() === '' ? null : service.value.trim(),
      windowSizeMs: Number(windowSize.value),
      resolveAfterWindows: Number(resolveAfter.value),
      [PARAMS_KEY[k]]: paramValues,
      labels: labelMap,
    };
  };

  const save = h('button', { type: 'submit' }, id === undefined ? 'Create rule' : 'Save rule');
  const form = h(
    'form',
    { class: 'panel rule-form', 'aria-labelledby': 'rule-title' },
    field('name', 'Name', name),
    field('description', 'Description', description),
    h('div', { class: 'row' }, field('kind', 'Kind', kind), field('severity', 'Severity', severity)),
    h('div', { class: 'row' }, field('service', 'Service', service, 'Empty: the rule watches every service.'), field('windowSizeMs', 'Window', windowSize)),
    field('resolveAfterWindows', 'Resolve after N healthy windows', resolveAfter),
    h('div', { class: 'field' }, h('label', { for: 'rule-enabled' }, enabled, ' Enabled')),
    params,
    field('labels', 'Labels (one name=value per line)', labels),
    canEdit ? h('div', { class: 'actions' }, save, id === undefined ? null : deleteButton(ctx, id, notice)) : h('p', { class: 'muted' }, 'Changing rules needs the editor role.'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    let body: Record<string, unknown>;
    try {
      body = readBody();
    } catch (error) {
      notice.error(error);
      return;
    }
    save.disabled = true;
    const request = id === undefined ? ctx.api.post<StoredRule>('/api/v1/alert-rules', body, ctx.signal) : ctx.api.put<StoredRule>(`/api/v1/alert-rules/${encodeURIComponent(id)}`, body, ctx.signal);
    request
      .then((saved) => {
        notice.show('success', `Saved (version ${saved.version}).`);
        if (id === undefined) ctx.navigate(`#/rules/${encodeURIComponent(saved.rule.id)}`);
      })
      .catch((error: unknown) => notice.error(error))
      .finally(() => {
        save.disabled = false;
      });
  });

  ctx.root.append(
    h('div', { class: 'page-head' }, h('h1', { id: 'rule-title' }, id === undefined ? 'New alert rule' : `Alert rule: ${rule?.name ?? id}`)),
    alertTabs('rules'),
    notice.element,
    h('div', { class: 'editor-layout' }, form, id === undefined ? h('section', { class: 'panel' }, h('h2', {}, 'Backtest'), h('p', { class: 'muted' }, 'Save the rule to preview when it would have fired.')) : backtestPanel(ctx, id, rule?.service ?? null, rule?.kind ?? 'ERROR_SPIKE')),
  );
  name.focus();
}

function deleteButton(ctx: PageContext, id: string, notice: ReturnType<typeof noticeArea>): HTMLElement {
  const button = h('button', { type: 'button', class: 'danger' }, 'Delete rule');
  button.addEventListener('click', () => {
    if (!window.confirm('Delete this rule? Its alerts stop being evaluated.')) return;
    ctx.api
      .delete(`/api/v1/alert-rules/${encodeURIComponent(id)}`, ctx.signal)
      .then(() => ctx.navigate('#/rules'))
      .catch((error: unknown) => notice.error(error));
  });
  return button;
}

/** The stats bucket for a backtest of `hours`: about 60 to 150 points. */
function bucketFor(hours: number): string {
  if (hours <= 2) return '1m';
  if (hours <= 12) return '5m';
  if (hours <= 36) return '15m';
  return hours <= 24 * 7 ? '1h' : '6h';
}

function backtestPanel(ctx: PageContext, id: string, service: string | null, kind: Kind): HTMLElement {
  let chart: Chart | undefined;
  ctx.signal.addEventListener('abort', () => chart?.destroy());
  const hours = h('input', { id: 'backtest-hours', type: 'number', min: 1, max: 744, value: 24 });
  const run = h('button', { type: 'button' }, 'Run backtest');
  const out = h('div', { 'aria-live': 'polite' });
  run.addEventListener('click', () => {
    run.disabled = true;
    replaceChildren(out, h('p', {}, 'Replaying the stored windows…'));
    ctx.api
      .post<BacktestAnswer>(`/api/v1/alert-rules/${encodeURIComponent(id)}/backtest`, { hours: Number(hours.value) }, ctx.signal)
      .then(async (answer) => {
        // The preview chart: what the rule watches (errors, or all events) over the same hours, with its episodes shaded.
        const counts = await ctx.api
          .get<{ buckets: Array<{ start: string; total: number; errors: number }> }>('/api/v1/stats/error-rate', { from: answer.fromMs, to: answer.toMs, interval: bucketFor(Number(hours.value)), service: service ?? undefined }, ctx.signal)
          .catch(() => undefined);
        chart?.destroy();
        chart = counts === undefined
          ? undefined
          : episodeChart(
              `${kind === 'ERROR_SPIKE' ? 'Errors' : 'Events'} per bucket${service === null ? '' : ` of ${service}`}`,
              counts.buckets.map((b) => ({ t: Date.parse(b.start), v: kind === 'ERROR_SPIKE' ? b.errors : b.total })),
              answer.episodes.map((e) => ({ startMs: e.startedAtMs, endMs: e.resolvedAtMs })),
              answer.toMs,
            );
        replaceChildren(
          out,
          h('p', {}, `${answer.episodes.length} episode(s) over ${answer.windowsEvaluated} windows of ${answer.services} service(s), ${formatTime(answer.fromMs)} to ${formatTime(answer.toMs)}.`),
          chart?.element,
          dataTable('When the saved rule would have fired', [
            { header: 'Service', cell: (e) => e.service },
            { header: 'Started', cell: (e) => formatTime(e.startedAtMs) },
            { header: 'Fired', cell: (e) => formatTime(e.firedAtMs) },
            { header: 'Resolved', cell: (e) => (e.resolvedAtMs === null ? 'still firing' : formatTime(e.resolvedAtMs)) },
            { header: 'Observed', cell: (e) => e.observedValue.toPrecision(4), className: 'num' },
            { header: 'Threshold', cell: (e) => e.threshold.toPrecision(4), className: 'num' },
            { header: 'Summary', cell: (e) => e.summary },
          ], answer.episodes, 'It would not have fired.'),
        );
      })
      .catch((error: unknown) => replaceChildren(out, h('p', { class: 'notice error' }, error instanceof Error ? error.message : String(error))))
      .finally(() => {
        run.disabled = false;
      });
  });
  return h('section', { class: 'panel backtest', 'aria-labelledby': 'backtest-title' }, h('h2', { id: 'backtest-title' }, 'Backtest'), h('p', { class: 'muted' }, 'Replays the saved rule over the stored window statistics.'), h('div', { class: 'toolbar' }, h('label', { for: 'backtest-hours' }, 'Hours'), hours, run), out);
}
