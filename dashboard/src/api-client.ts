/**
 * The dashboard's only way to call the API: JSON requests with the session's bearer token, one
 * retry after refreshing the token on a 401, and errors turned into ApiRequestError with the API's
 * code, message and field details.
 */
import type { AuthSession } from './auth-session.js';

/** A failed API call: HTTP status (0 when the API could not be reached) and the API's error body. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** Query parameters: arrays become repeated comma-joined values, empty values are left out. */
export type Query = Record<string, string | number | readonly string[] | undefined>;

/** Builds `path?query`. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Calls the API on behalf of the session. */
export class ApiClient {
  constructor(
    private readonly session: AuthSession,
    /** Called when the session ended (refresh refused): the app shows the login page. */
    private readonly onLoggedOut: () => void,
    private readonly baseUrl = '',
  ) {}

  /** GET a JSON answer. */
  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.json<T>('GET', withQuery(path, query), undefined, signal);
  }

  /** POST a JSON body; resolves with the JSON answer (undefined for 204). */
  post<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>('POST', path, body, signal);
  }

  /** PUT a JSON body. */
  put<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>('PUT', path, body, signal);
  }

  /** DELETE. */
  delete(path: string, signal?: AbortSignal): Promise<void> {
    return this.json<void>('DELETE', path, undefined, signal);
  }

  /** Opens a streaming GET (the live tail) with the bearer token; the caller reads the body. Throws ApiRequestError unless 200. */
  async stream(path: string, query: Query, signal: AbortSignal): Promise<Response> {
    const response = await this.send('GET', withQuery(path, query), undefined, signal, 'text/event-stream');
    if (response.status !== 200) throw await toError(response);
    return response;
  }

  private async json<T>(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<T> {
    const response = await this.send(method, path, body, signal, 'application/json');
    if (!response.ok) throw await toError(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  private async send(method: string, path: string, body: unknown, signal: AbortSignal | undefined, accept: string): Promise<Response> {
    const attempt = async (): Promise<Response> => {
      const token = await this.session.accessToken();
      const headers: Record<string, string> = { accept };
      if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      try {
        return await fetch(`${this.baseUrl}${path}`, { method, headers, signal: signal ?? null, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      } catch (error) {
        if (signal?.aborted === true) throw error;
        throw new ApiRequestError(0, 'unreachable', 'The API cannot be reached; check your connection.');
      }
    };
    let response = await attempt();
    if (response.status === 401) {
      if (await this.session.refresh()) response = await attempt();
      if (response.status === 401) {
        this.session.clear();
        this.onLoggedOut();
      }
    }
    return response;
  }
}

async function toError(response: Response): Promise<ApiRequestError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: Array<{ path: string; message: string }> } };
    return new ApiRequestError(response.status, body.error?.code ?? 'error', body.error?.message ?? `HTTP ${response.status}`, body.error?.details ?? []);
  } catch {
    return new ApiRequestError(response.status, 'error', `HTTP ${response.status}`);
  }
}
