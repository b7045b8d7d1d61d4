/**
 * A hash router: `#/path?query` selects a page, so the API only ever serves index.html at `/` and
 * a reload or a shared link lands on the same view. Leaving a page aborts its signal.
 */
import type { ApiClient } from './api-client.js';
import type { AuthSession } from './auth-session.js';
import { replaceChildren, h } from './dom.js';
import type { Page, PageContext } from './page-context.js';
import { buildHash, matchPath, parseHash } from './route-match.js';

/** One route: a path pattern, its page, the title shown, and whether it needs a login. */
export interface Route {
  readonly pattern: string;
  readonly page: Page;
  readonly title: string;
  readonly public?: boolean;
}

/** Options of startRouter. */
export interface RouterOptions {
  readonly routes: readonly Route[];
  readonly root: HTMLElement;
  readonly api: ApiClient;
  readonly session: AuthSession;
  /** Called after each navigation with the matched route (the nav marks the current link). */
  readonly onNavigate: (path: string, route: Route | undefined) => void;
}

/** Starts listening to hash changes and renders the current one; returns a function that renders again. */
export function startRouter(options: RouterOptions): () => void {
  let controller: AbortController | undefined;
  const render = (): void => {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    const location = parseHash(window.location.hash);
    if (location.path === '/') {
      window.location.replace(buildHash(options.session.user === undefined ? '/login' : '/overview'));
      return;
    }
    let params: Record<string, string> | undefined;
    const route = options.routes.find((candidate) => (params = matchPath(candidate.pattern, location.path)) !== undefined);
    if (route !== undefined && route.public !== true && options.session.user === undefined) {
      window.location.replace(buildHash('/login', { next: window.location.hash.slice(1) }));
      return;
    }
    options.onNavigate(location.path, route);
    document.title = `${route?.title ?? 'Not found'} · Sawmill`;
    const root = options.root;
    replaceChildren(root);
    if (route === undefined) {
      replaceChildren(root, h('h1', {}, 'Not found'), h('p', {}, 'No page at ', h('code', {}, location.path), '. ', h('a', { href: '#/overview' }, 'Go to the overview')));
      return;
    }
    const ctx: PageContext = {
      root,
      params: params ?? {},
      query: location.query,
      signal: current.signal,
      api: options.api,
      session: options.session,
      navigate: (hash) => {
        window.location.hash = hash;
      },
      replaceQuery: (query) => {
        const next = buildHash(location.path, query);
        if (next === window.location.hash) return;
        history.replaceState(null, '', next);
      },
    };
    Promise.resolve(route.page(ctx)).catch((error: unknown) => {
      if (current.signal.aborted) return;
      replaceChildren(root, h('h1', {}, route.title), h('p', { class: 'notice error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
    });
  };

  window.addEventListener('hashchange', render);
  render();
  return render;
}
