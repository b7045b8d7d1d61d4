import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { ServiceUnavailableError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { checkRedis, createRedis } from '../../lib/redis.js';
import { waitFor } from '../support/wait-for.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379/15';

function capturingLogger(): { logger: Logger; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  return { logger: pino({ base: { component: 'redis-it' } }, stream), text: () => text };
}

/** Every key this run created, found by its unique prefix (never FLUSHDB: the database is shared). */
async function keysWithPrefix(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

describe('integration: lib/redis', function () {
  this.timeout(30_000);
  const prefix = `sawmill:lib-it:${randomBytes(4).toString('hex')}:`;
  const clients: Redis[] = [];
  const open = (options: Partial<Parameters<typeof createRedis>[0]> = {}): Redis => {
    const client = createRedis({ url: REDIS_URL, logger: capturingLogger().logger, ...options });
    clients.push(client);
    return client;
  };

  after(async () => {
    const cleaner = open();
    const leftover = await keysWithPrefix(cleaner, prefix);
    if (leftover.length > 0) await cleaner.del(...leftover);
    expect(await keysWithPrefix(cleaner, prefix)).to.deep.equal([]);
    for (const client of clients) client.disconnect();
  });

  it('connects lazily to database 15 and passes its readiness check', async () => {
    const client = open();
    expect(client.status).to.equal('wait'); // lazyConnect: nothing opened yet
    await checkRedis(client);
    expect(client.status).to.equal('ready');
    expect(client.options.db).to.equal(Number(new URL(REDIS_URL).pathname.slice(1) || 0));
    expect(await client.client('INFO')).to.match(new RegExp(`\\bdb=${client.options.db}\\b`));
  });

  it('sets and gets a value with a TTL, which then expires', async () => {
    const client = open();
    const key = `${prefix}ttl`;
    expect(await client.set(key, 'hello', 'PX', 400)).to.equal('OK');
    expect(await client.get(key)).to.equal('hello');
    const ttl = await client.pttl(key);
    expect(ttl).to.be.within(1, 400);
    await waitFor('the key to expire', async () => (await client.get(key)) === null, { timeoutMs: 5000, intervalMs: 25 });
    expect(await client.exists(key)).to.equal(0);
  });

  it('keeps INCR atomic across two clients', async () => {
    const a = open();
    const b = open();
    const key = `${prefix}counter`;
    const perClient = 250;
    const results = await Promise.all([
      ...Array.from({ length: perClient }, () => a.incr(key)),
      ...Array.from({ length: perClient }, () => b.incr(key)),
    ]);
    expect(Number(await a.get(key))).to.equal(2 * perClient);
    // Every increment saw a distinct value: none was lost or applied twice.
    expect(new Set(results).size).to.equal(2 * perClient);
    expect(Math.min(...results)).to.equal(1);
    expect(Math.max(...results)).to.equal(2 * perClient);
  });

  it('writes into its own database only, under the key prefix it was given', async () => {
    const client = open({ keyPrefix: prefix });
    await client.set('prefixed', 'v');
    const plain = open();
    expect(await plain.get(`${prefix}prefixed`)).to.equal('v');
    const db0 = new URL(REDIS_URL);
    db0.pathname = '/0';
    const other = open({ url: db0.toString() });
    expect(await other.exists(`${prefix}prefixed`)).to.equal(0);
  });

  it('fails its readiness check fast with ServiceUnavailableError when Redis is unreachable, never logging the password', async () => {
    const secret = `pw-${randomBytes(6).toString('hex')}`;
    const { logger, text } = capturingLogger();
    const dead = createRedis({ url: `redis://default:${secret}@127.0.0.1:1/15`, logger, maxRetriesPerRequest: 1 });
    clients.push(dead);
    const started = Date.now();
    const error = await checkRedis(dead, { timeoutMs: 3000 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ServiceUnavailableError);
    expect((error as Error).message).to.match(/^redis is not available: /);
    expect(Date.now() - started).to.be.below(4000);
    await waitFor('the error log line', async () => text().includes('redis connection error'), { timeoutMs: 5000, intervalMs: 25 });
    expect(text()).to.include('ECONNREFUSED');
    expect(text()).not.to.include(secret);
    expect((error as Error).message).not.to.include(secret);
  });
});
