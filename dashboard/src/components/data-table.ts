/** A plain table with a caption and column headers, cells built by the caller (text or nodes). */
import { h, type Child } from '../dom.js';

/** One column: its header and how to render a row's cell. */
export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => Child;
  /** Extra class on the cells (e.g. `num` right-aligns). */
  readonly className?: string;
}

/** A `<table>` of `rows`; `empty` is shown in one cell when there are none. The wrapper scrolls sideways on narrow screens. */
export function dataTable<T>(caption: string, columns: readonly Column<T>[], rows: readonly T[], empty = 'Nothing to show.'): HTMLElement {
  const body = rows.length === 0
    ? [h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty))]
    : rows.map((row) => h('tr', {}, ...columns.map((column) => h('td', { class: column.className, 'data-label': column.header }, column.cell(row)))));
  return h(
    'div',
    { class: 'table-wrap' },
    h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, ...columns.map((column) => h('th', { scope: 'col', class: column.className }, column.header)))), h('tbody', {}, ...body)),
  );
}

/** A value as short text: strings as they are, null as `-`, objects as JSON. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
