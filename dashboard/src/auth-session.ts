/**
 * The logged-in session: the access and refresh tokens from /api/v1/auth/login, kept in
 * sessionStorage (gone when the tab closes, never shared with other sites), refreshed through
 * /api/v1/auth/refresh shortly before the access token expires or after a 401.
 */

const STORAGE_KEY = 'sawmill.session';
// Refresh this long before expiry so a request never leaves with a token about to lapse.
const EARLY_REFRESH_MS = 30_000;

/** What the session stores. */
interface StoredSession {
  accessToken: string;
  refreshToken: string;
  expiresAtMs: number;
  username: string;
  role: string;
}

/** The user the access token names (read from its payload for display only; the API verifies it). */
export interface SessionUser {
  readonly username: string;
  readonly role: string;
}

/** Roles, lowest first, as the API ranks them. */
const ROLES = ['viewer', 'editor', 'admin'];

/** The session of this tab. */
export class AuthSession {
  private stored: StoredSession | undefined;
  private refreshing: Promise<boolean> | undefined;

  constructor(private readonly baseUrl = '') {
    try {
      const text = sessionStorage.getItem(STORAGE_KEY);
      this.stored = text === null ? undefined : (JSON.parse(text) as StoredSession);
    } catch {
      this.stored = undefined;
    }
  }

  /** The current user, or undefined when logged out. */
  get user(): SessionUser | undefined {
    return this.stored === undefined ? undefined : { username: this.stored.username, role: this.stored.role };
  }

  /** True when the user's role is `role` or above. */
  can(role: 'viewer' | 'editor' | 'admin'): boolean {
    return this.stored !== undefined && ROLES.indexOf(this.stored.role) >= ROLES.indexOf(role);
  }

  /** Logs in; resolves with an error message on failure (wrong credentials, rate limited), undefined on success. */
  async login(username: string, password: string): Promise<string | undefined> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    } catch {
      return 'The API cannot be reached.';
    }
    if (response.status === 200) {
      this.store((await response.json()) as TokenPair, username);
      return undefined;
    }
    if (response.status === 429) return `Too many attempts; try again in ${response.headers.get('retry-after') ?? 'a few'} seconds.`;
    if (response.status === 401 || response.status === 400) return 'Wrong username or password.';
    return `Login failed (HTTP ${response.status}).`;
  }

  /** An access token valid for at least a few more seconds (refreshing first when needed), or undefined when logged out. */
  async accessToken(): Promise<string | undefined> {
    if (this.stored === undefined) return undefined;
    if (Date.now() > this.stored.expiresAtMs - EARLY_REFRESH_MS) await this.refresh();
    return this.stored?.accessToken;
  }

  /** Rotates the refresh token (one request at a time for the whole tab); false, and logged out, when the API refuses it. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Revokes the refresh token family (best effort) and forgets the tokens. */
  async logout(): Promise<void> {
    const refreshToken = this.stored?.refreshToken;
    this.clear();
    if (refreshToken !== undefined) {
      await fetch(`${this.baseUrl}/api/v1/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) }).catch(() => undefined);
    }
  }

  /** Forgets the tokens. */
  clear(): void {
    this.stored = undefined;
    sessionStorage.removeItem(STORAGE_KEY);
  }

  private async doRefresh(): Promise<boolean> {
    const current = this.stored;
    if (current === undefined) return false;
    try {
      const response = await fetch(`${this.baseUrl}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: current.refreshToken }) });
      if (response.status !== 200) {
        // 401: the family was revoked or expired; anything else: keep the tokens and let the request fail.
        if (response.status === 401) this.clear();
        return false;
      }
      this.store((await response.json()) as TokenPair, current.username);
      return true;
    } catch {
      return false;
    }
  }

  private store(pair: TokenPair, fallbackName: string): void {
    const claims = readClaims(pair.accessToken);
    this.stored = {
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      expiresAtMs: Date.now() + pair.expiresIn * 1000,
      username: typeof claims['username'] === 'string' ? claims['username'] : fallbackName,
      role: typeof claims['role'] === 'string' ? claims['role'] : 'viewer',
    };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.stored));
  }
}

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** The payload of a JWT, unverified (display only); empty when it is not a JWT. */
function readClaims(token: string): Record<string, unknown> {
  try {
    const part = token.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
