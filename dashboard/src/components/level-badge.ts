/** A log level or alert severity as a coloured badge (the text is always there; colour is not the only cue). */
import { h } from '../dom.js';

/** A `<span class="badge level-<x>">`. */
export function levelBadge(level: string): HTMLElement {
  return h('span', { class: `badge level-${level.toLowerCase().replace(/[^a-z]/g, '')}` }, level);
}
