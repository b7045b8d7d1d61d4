import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ConfigError } from './errors.js';
import { createPgPool, validatePgUrl } from './postgres.js';

// Only what needs no server; the pool against a real PostgreSQL is in test/integration/postgres.test.ts.
describe('lib/postgres (no server)', () => {
  it('accepts postgres URLs with a host and a database', () => {
    validatePgUrl('postgres://postgres@127.0.0.1:5432/sawmill_test');
    validatePgUrl('postgresql://u:p@db/sawmill?sslmode=require');
    validatePgUrl('postgres:///sawmill?host=/var/run/postgresql');
  });

  it('rejects unusable URLs with a ConfigError that never holds the password', () => {
    const bad = [
      'not a url',
      'mysql://u:topsecret@db/sawmill',
      'postgres://u:topsecret@db',
      'postgres://u:topsecret@db/',
      'postgres://u:topsecret@/sawmill',
    ];
    for (const url of bad) {
      let caught: unknown;
      try {
        validatePgUrl(url);
      } catch (error) {
        caught = error;
      }
      expect(caught, url).to.be.instanceOf(ConfigError);
      expect((caught as ConfigError).key).to.equal('url');
      expect((caught as Error).message, url).not.to.include('topsecret');
    }
  });

  it('validates at once in createPgPool and logs the target without the password', async () => {
    let logged = '';
    const logger = pino({}, new Writable({ write: (chunk: Buffer, _e, cb) => ((logged += chunk.toString()), cb()) }));
    expect(() => createPgPool({ url: 'http://u:topsecret@x/y', applicationName: 't', logger })).to.throw(ConfigError);
    expect(() => createPgPool({ url: 'postgres://u@x/y', max: 0, applicationName: 't', logger })).to.throw(ConfigError);
    const pool = createPgPool({ url: 'postgres://u:topsecret@127.0.0.1:1/y', applicationName: 't', logger });
    await pool.end();
    expect(logged).to.include('"target":"postgres://u:[redacted]@127.0.0.1:1/y"');
    expect(logged).not.to.include('topsecret');
  });
});
