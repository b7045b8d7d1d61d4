/** Roles, lowest first: a viewer reads, an editor also changes rules, alerts and silences, an admin also manages users and replays dead letters. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;

/** A role. */
export type Role = (typeof ROLES)[number];

/** True when `have` is `need` or above it. */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** The lower of two roles (an API key never exceeds its owner's current role). */
export function lowerRole(a: Role, b: Role): Role {
  return ROLES.indexOf(a) <= ROLES.indexOf(b) ? a : b;
}

/** True when `value` is a role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
