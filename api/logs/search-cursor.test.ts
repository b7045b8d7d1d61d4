import { expect } from 'chai';
import { ApiError } from '../http/api-error.js';
import { decodeCursor, encodeCursor } from './search-cursor.js';

const SECRET = 'unit-test-secret-0123456789';

function status(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof ApiError ? error.status : -1;
  }
}

describe('search cursor', () => {
  it('round-trips a position', () => {
    const cursor = encodeCursor(SECRET, { sort: '@timestamp:desc', searchAfter: [1_700_000_000_000, 'evt-1'] });
    expect(decodeCursor(SECRET, cursor, '@timestamp:desc')).to.deep.equal({ sort: '@timestamp:desc', searchAfter: [1_700_000_000_000, 'evt-1'] });
  });

  it('refuses an edited body, a wrong secret, another sort and garbage with 400', () => {
    const cursor = encodeCursor(SECRET, { sort: '@timestamp:desc', searchAfter: [1, 'a'] });
    const [body, sig] = cursor.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ s: '@timestamp:desc', a: [{ match_all: {} }, 'a'] })).toString('base64url');
    expect(status(() => decodeCursor(SECRET, `${forged}.${sig}`, '@timestamp:desc'))).to.equal(400);
    expect(status(() => decodeCursor('another-secret-0123456789', cursor, '@timestamp:desc'))).to.equal(400);
    expect(status(() => decodeCursor(SECRET, cursor, '@timestamp:asc'))).to.equal(400);
    expect(status(() => decodeCursor(SECRET, `${body}.${sig}.x`, '@timestamp:desc'))).to.equal(400);
    expect(status(() => decodeCursor(SECRET, 'x'.repeat(600), '@timestamp:desc'))).to.equal(400);
    expect(status(() => decodeCursor(SECRET, '', '@timestamp:desc'))).to.equal(400);
  });
});
