/** A facet: checkboxes of the values of one field (with counts where known); checking filters the search. */
import { formatCount, h } from '../dom.js';

/** One value of a facet. */
export interface FacetValue {
  readonly key: string;
  readonly count?: number;
}

/** A `<fieldset>` of checkboxes for `field`; selected values stay listed even when absent from `values`. */
export function facetList(title: string, field: string, values: readonly FacetValue[], selected: readonly string[], onChange: (selected: string[]) => void): HTMLElement {
  const all: FacetValue[] = [...values];
  for (const key of selected) if (!all.some((value) => value.key === key)) all.push({ key });
  const boxes = all.map((value) =>
    h(
      'label',
      { class: 'facet-value' },
      h('input', { type: 'checkbox', name: field, value: value.key, checked: selected.includes(value.key) }),
      h('span', { class: 'facet-key' }, value.key),
      value.count === undefined ? null : h('span', { class: 'facet-count' }, formatCount(value.count)),
    ),
  );
  const fieldset = h('fieldset', { class: 'facet', 'data-field': field }, h('legend', {}, title), ...(boxes.length === 0 ? [h('p', { class: 'muted' }, 'No values in this range.')] : boxes));
  fieldset.addEventListener('change', () => {
    const checked = [...fieldset.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].filter((box) => box.checked).map((box) => box.value);
    onChange(checked);
  });
  return fieldset;
}
