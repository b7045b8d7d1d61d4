import { expect } from 'chai';
import { ConfigError } from './errors.js';
import { reconnectDelay, validateRedisUrl } from './redis.js';

// Only what needs no server; the client against a real Redis is in test/integration/redis.test.ts.
describe('lib/redis (no server)', () => {
  it('accepts redis and rediss URLs with an optional numeric database', () => {
    validateRedisUrl('redis://127.0.0.1:6379/15');
    validateRedisUrl('redis://127.0.0.1');
    validateRedisUrl('rediss://default:pw@cache.internal:6380/0');
  });

  it('rejects unusable URLs with a ConfigError that never holds the password', () => {
    for (const url of ['nope', 'http://:topsecret@h/1', 'redis://:topsecret@h/cache', 'redis://:topsecret@/1']) {
      let caught: unknown;
      try {
        validateRedisUrl(url);
      } catch (error) {
        caught = error;
      }
      expect(caught, url).to.be.instanceOf(ConfigError);
      expect((caught as Error).message, url).not.to.include('topsecret');
    }
  });

  it('backs off exponentially between reconnects, capped, never down to zero', () => {
    expect(reconnectDelay(1, 5000, () => 0)).to.equal(50);
    expect(reconnectDelay(1, 5000, () => 1)).to.equal(100);
    expect(reconnectDelay(4, 5000, () => 0)).to.equal(400);
    expect(reconnectDelay(10, 5000, () => 0)).to.equal(2500);
    expect(reconnectDelay(10, 5000, () => 1)).to.equal(5000);
    expect(reconnectDelay(10_000, 5000, () => 0.5)).to.equal(3750);
  });
});
