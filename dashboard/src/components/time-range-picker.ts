/** The time range control: a preset select plus optional absolute from/to inputs. */
import { h } from '../dom.js';
import { RANGE_PRESETS, resolveRange, type RangePresetKey, type TimeRange } from '../time-range.js';

/** A `<fieldset>` to pick a range; `onChange` fires with the new range. */
export function timeRangePicker(range: TimeRange, onChange: (range: TimeRange) => void): HTMLElement {
  const id = `range-${Math.random().toString(36).slice(2, 8)}`;
  const select = h(
    'select',
    { id, name: 'range' },
    ...RANGE_PRESETS.map((preset) => h('option', { value: preset.key, selected: range.kind === 'preset' && range.key === preset.key }, preset.label)),
    h('option', { value: 'custom', selected: range.kind === 'absolute' }, 'Custom…'),
  );
  const { fromMs, toMs } = resolveRange(range, Date.now());
  const from = h('input', { type: 'datetime-local', name: 'from', value: toLocalInput(fromMs), step: 1 });
  const to = h('input', { type: 'datetime-local', name: 'to', value: toLocalInput(toMs), step: 1 });
  const apply = h('button', { type: 'button', class: 'secondary' }, 'Apply');
  const custom = h('span', { class: 'custom-range', hidden: range.kind !== 'absolute' }, h('label', {}, 'From ', from), h('label', {}, 'To ', to), apply);
  select.addEventListener('change', () => {
    if (select.value === 'custom') {
      custom.hidden = false;
      from.focus();
      return;
    }
    custom.hidden = true;
    onChange({ kind: 'preset', key: select.value as RangePresetKey });
  });
  apply.addEventListener('click', () => {
    const a = Date.parse(from.value);
    const b = Date.parse(to.value);
    if (Number.isFinite(a) && Number.isFinite(b) && a < b) onChange({ kind: 'absolute', fromMs: a, toMs: b });
    else to.setCustomValidity('The end must be after the start.');
    to.reportValidity();
  });
  to.addEventListener('input', () => to.setCustomValidity(''));
  return h('div', { class: 'time-range' }, h('label', { for: id }, 'Time range'), select, custom);
}

function toLocalInput(ms: number): string {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 19);
}
