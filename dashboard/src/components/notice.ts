/** Status and error messages: a live region so screen readers announce them. */
import { ApiRequestError } from '../api-client.js';
import { h, replaceChildren } from '../dom.js';

/** An element that shows one message at a time (`role=status`; errors are announced assertively). */
export function noticeArea(): { element: HTMLElement; show(kind: 'info' | 'error' | 'success', text: string): void; clear(): void; error(error: unknown): void } {
  const element = h('div', { class: 'notice-area', role: 'status', 'aria-live': 'polite' });
  const show = (kind: 'info' | 'error' | 'success', text: string): void => {
    element.setAttribute('aria-live', kind === 'error' ? 'assertive' : 'polite');
    replaceChildren(element, h('p', { class: `notice ${kind}` }, text));
  };
  return {
    element,
    show,
    clear: () => replaceChildren(element),
    error: (error: unknown) => show('error', describeError(error)),
  };
}

/** A human sentence for an error, with the API's field details. */
export function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) {
    const details = error.details.map((d) => `${d.path}: ${d.message}`).join('; ');
    if (error.status === 403) return `Not allowed: ${error.message}`;
    if (error.status === 404 && error.code === 'not_found' && error.message === 'no such route') return 'This API does not offer this yet.';
    return details === '' ? error.message : `${error.message} (${details})`;
  }
  if (error instanceof DOMException && error.name === 'AbortError') return 'Cancelled.';
  return error instanceof Error ? error.message : String(error);
}
