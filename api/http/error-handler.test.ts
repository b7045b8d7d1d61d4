import { expect } from 'chai';
import { ServiceUnavailableError } from '../../lib/errors.js';
import { isStoreUnavailable } from './error-handler.js';

describe('isStoreUnavailable', () => {
  it('treats store outages, overload and timeouts as unavailable', () => {
    expect(isStoreUnavailable(new ServiceUnavailableError('down', 'redis'))).to.equal(true);
    expect(isStoreUnavailable(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).to.equal(true);
    expect(isStoreUnavailable(Object.assign(new Error('connection failure'), { code: '08006' }))).to.equal(true);
    expect(isStoreUnavailable(Object.assign(new Error('too many connections'), { code: '53300' }))).to.equal(true);
    expect(isStoreUnavailable(new Error('timeout exceeded when trying to connect'))).to.equal(true);
  });
  it('leaves bugs and bad data as 500s', () => {
    expect(isStoreUnavailable(new TypeError('x is undefined'))).to.equal(false);
    expect(isStoreUnavailable(Object.assign(new Error('syntax error'), { code: '42601' }))).to.equal(false);
    expect(isStoreUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).to.equal(false);
    expect(isStoreUnavailable(null)).to.equal(false);
  });
});
