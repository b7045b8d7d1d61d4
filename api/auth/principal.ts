import type { Response } from 'express';
import { unauthorized } from '../http/api-error.js';
import type { Role } from './roles.js';

/** Who a request acts as: a logged-in user (JWT) or a script holding an API key of that user. */
export interface Principal {
  readonly kind: 'user' | 'api-key';
  /** The user's id (the owner, for an API key). */
  readonly userId: string;
  readonly username: string;
  /** Effective role: the user's role, or for an API key the lower of its scope and its owner's role. */
  readonly role: Role;
  /** The API key id, when kind is `api-key`. */
  readonly apiKeyId?: string;
}

/** Stores the authenticated principal on the response (request-scoped, no global typing tricks). */
export function setPrincipal(res: Response, principal: Principal): void {
  res.locals['principal'] = principal;
}

/** The authenticated principal of this request; throws 401 when authentication did not run or failed. */
export function principalOf(res: Response): Principal {
  const principal = res.locals['principal'] as Principal | undefined;
  if (principal === undefined) throw unauthorized();
  return principal;
}

/** A short name for logs, audit rows and rate-limit keys: `user:<id>` or `key:<id>`. */
export function principalKey(principal: Principal): string {
  return principal.kind === 'api-key' ? `key:${principal.apiKeyId ?? ''}` : `user:${principal.userId}`;
}
