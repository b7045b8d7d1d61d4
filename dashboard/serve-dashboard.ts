/**
 * Serves the built dashboard (dashboard/dist, written by dashboard/build.mjs) from the API at `/`:
 * index.html with `no-cache` (always revalidated, so a deploy takes effect at once) and the
 * content-hashed files under /assets with a one-year immutable cache. Every answer carries a
 * Content-Security-Policy that allows scripts, styles and connections to this origin only: no
 * inline script or style, no CDN, no framing. Anything else falls through to the next handler
 * (the API's JSON 404), so this never shadows an API route.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Response } from 'express';

/** The policy of dashboard pages: only this origin; `data:` images for the charts' legend markers. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Cache policy of index.html. */
export const INDEX_CACHE_CONTROL = 'no-cache';
/** Cache policy of the hashed assets. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Options of serveDashboard. */
export interface ServeDashboardOptions {
  /** Directory of the built files; default: dashboard/dist next to this file (sources) or in the repository (compiled to dist/dashboard/). */
  readonly root?: string;
}

/** The default location of the built files, from the sources (tsx) or from the compiled dist/dashboard/. */
export function defaultDashboardRoot(): string {
  const candidates = [new URL('./dist/', import.meta.url), new URL('../../dashboard/dist/', import.meta.url)].map((url) => fileURLToPath(url));
  return candidates.find((dir) => existsSync(`${dir}index.html`)) ?? candidates[0]!;
}

function dashboardHeaders(res: Response, cacheControl: string): void {
  res.setHeader('content-security-policy', DASHBOARD_CSP);
  res.setHeader('cache-control', cacheControl);
}

/**
 * Returns middleware serving the dashboard: GET/HEAD `/` and `/index.html` answer index.html,
 * `/assets/*` the built files; a missing build answers 503 at `/` with a hint instead of a blank page.
 */
export function serveDashboard(options: ServeDashboardOptions = {}): RequestHandler {
  const root = options.root ?? defaultDashboardRoot();
  const router = express.Router();
  const assets = express.static(`${root}/assets`, {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    fallthrough: true,
    etag: true,
    lastModified: false,
    setHeaders: (res) => dashboardHeaders(res as Response, ASSET_CACHE_CONTROL),
  });
  router.use('/assets', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    assets(req, res, next);
  });
  const index: RequestHandler = (_req, res, next) => {
    const file = `${root}/index.html`;
    if (!existsSync(file)) {
      res.status(503).type('text/plain').send('The dashboard is not built: run `npm run build` (node dashboard/build.mjs).\n');
      return;
    }
    dashboardHeaders(res, INDEX_CACHE_CONTROL);
    res.type('html').sendFile(file, { etag: true, lastModified: false, dotfiles: 'deny' }, (error) => {
      if (error !== undefined && !res.headersSent) next(error);
    });
  };
  router.get(['/', '/index.html'], index);
  return router;
}
