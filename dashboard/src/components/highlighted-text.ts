/** Renders a search highlight as text nodes and `<mark>` elements only. */
import { h } from '../dom.js';
import { parseHighlight } from '../highlight-markup.js';

/** A `<span>` holding `fragment` (the API's html-encoded highlight) with its matches in `<mark>`. */
export function highlightedText(fragment: string): HTMLElement {
  const span = h('span', { class: 'message' });
  for (const segment of parseHighlight(fragment)) {
    span.appendChild(segment.marked ? h('mark', {}, segment.text) : document.createTextNode(segment.text));
  }
  return span;
}
