import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { badRequest } from '../http/api-error.js';

/** Longest cursor accepted; a real one is about 150 characters. */
export const MAX_CURSOR_LENGTH = 512;

const payloadSchema = z.object({ s: z.string().max(40), a: z.tuple([z.number().finite(), z.string().max(256)]) }).strict();

/** The position after the last hit of a page: its sort values under a given sort. */
export interface SearchPosition {
  sort: string;
  searchAfter: [number, string];
}

/** Encodes a position as an opaque cursor signed with HMAC-SHA256, so a client can hand it back but not forge or edit it. */
export function encodeCursor(secret: string, position: SearchPosition): string {
  const body = Buffer.from(JSON.stringify({ s: position.sort, a: position.searchAfter })).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

/** Decodes a cursor; throws a 400 ApiError when it is malformed, its signature is wrong, or it was made for another sort. */
export function decodeCursor(secret: string, cursor: string, expectedSort: string): SearchPosition {
  const invalid = () => badRequest('invalid cursor', [{ path: 'query.cursor', message: 'not a cursor issued by this API for this sort' }]);
  if (cursor.length > MAX_CURSOR_LENGTH) throw invalid();
  const [body, signature, ...rest] = cursor.split('.');
  if (body === undefined || signature === undefined || rest.length > 0) throw invalid();
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const result = payloadSchema.safeParse(parsed);
  if (!result.success || result.data.s !== expectedSort) throw invalid();
  return { sort: result.data.s, searchAfter: result.data.a };
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
