/** Hash routes (`#/search?q=x`): parsing and matching, free of the DOM so they can be unit tested. */

/** A parsed location hash. */
export interface HashLocation {
  readonly path: string;
  readonly query: URLSearchParams;
}

/** Splits `#/path?query` into a normalised path (leading slash, no trailing slash) and its query. */
export function parseHash(hash: string): HashLocation {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const mark = text.indexOf('?');
  const rawPath = mark < 0 ? text : text.slice(0, mark);
  const query = new URLSearchParams(mark < 0 ? '' : text.slice(mark + 1));
  const path = `/${rawPath.split('/').filter((part) => part !== '').join('/')}`;
  return { path, query };
}

/** Matches `path` against a pattern with `:name` segments; returns the decoded parameters, or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter((part) => part !== '');
  const have = path.split('/').filter((part) => part !== '');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return undefined;
      }
    } else if (w !== h) return undefined;
  }
  return params;
}

/** Builds `#/path?query` (the query left out when empty). */
export function buildHash(path: string, query?: URLSearchParams | Record<string, string | undefined>): string {
  const params = query instanceof URLSearchParams ? query : new URLSearchParams(Object.entries(query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  const text = params.toString();
  return `#${path}${text === '' ? '' : `?${text}`}`;
}
