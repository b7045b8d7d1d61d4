/** What every page receives from the router. */
import type { ApiClient } from './api-client.js';
import type { AuthSession } from './auth-session.js';

/** A page's view of the app: where to render, its URL state, and a signal aborted when the user leaves. */
export interface PageContext {
  /** The element the page owns (emptied before render). */
  readonly root: HTMLElement;
  /** `:name` parameters of the route. */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters of the hash. */
  readonly query: URLSearchParams;
  /** Aborted when the page is left: cancel requests, timers and streams on it. */
  readonly signal: AbortSignal;
  readonly api: ApiClient;
  readonly session: AuthSession;
  /** Goes to another hash (adds a history entry). */
  navigate(hash: string): void;
  /** Replaces the current hash without a history entry and without re-rendering (keeps URL state in sync). */
  replaceQuery(query: URLSearchParams): void;
}

/** A page: renders into `ctx.root`; may be async. */
export type Page = (ctx: PageContext) => void | Promise<void>;
