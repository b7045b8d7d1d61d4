import { z } from 'zod';
import { ROLES } from '../auth/roles.js';

/** Body of every error answer. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** Standard error answers every protected route may give. */
export const protectedErrors = {
  400: { description: 'Invalid input, with field-level details', schema: errorBodySchema },
  401: { description: 'Missing or invalid credentials', schema: errorBodySchema },
  403: { description: 'Role too low', schema: errorBodySchema },
  429: { description: 'Rate limited; see Retry-After', schema: errorBodySchema },
} as const;

/** A role. */
export const roleSchema = z.enum(ROLES);

/** A UUID path parameter. */
export const uuidParam = z.object({ id: z.uuid() }).strict();

/** A username: lower-case letters, digits, dot, underscore, dash; 2-64. */
export const usernameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, dot, underscore and dash, 2 to 64 characters');

/** A timestamp in a query string: epoch milliseconds or an ISO 8601 date-time; returns epoch ms. */
export const timeParam = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(ms) || !/^\d{1,15}$|^\d{4}-\d\d-\d\dT/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date-time' });
      return z.NEVER;
    }
    return ms;
  });

/** An integer in a query string, bounded. */
export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
