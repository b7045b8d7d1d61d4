import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';
import { checkOpenSearchHealth, createOpenSearchClient, type OpenSearchClientOptions } from './opensearch.js';

/** A pino logger whose lines land in `lines`, so a test can read what would have been logged. */
function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

function configErrorOf(options: unknown): ConfigError {
  try {
    createOpenSearchClient(options as OpenSearchClientOptions);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail('createOpenSearchClient accepted invalid options');
}

// Port 1 on loopback: nothing listens there, so requests fail fast with ECONNREFUSED.
const CLOSED = 'http://127.0.0.1:1';

describe('createOpenSearchClient', () => {
  it('rejects a malformed node URL at once, naming the key', () => {
    const error = configErrorOf({ node: 'not a url', source: 'sink.yaml' });
    expect(error.key).to.equal('node');
    expect(error.source).to.equal('sink.yaml');
    expect(error.retriable).to.equal(false);
  });

  it('rejects a non-HTTP scheme and points at the bad entry of a node list', () => {
    const error = configErrorOf({ node: ['http://127.0.0.1:9200', 'ftp://127.0.0.1:21'] });
    expect(error.key).to.equal('node[1]');
    expect(error.message).to.contain('ftp:');
  });

  it('rejects unknown keys, an empty node list and out-of-range numbers', () => {
    expect(configErrorOf({ node: CLOSED, requestTimeout: 5 }).message).to.contain('requestTimeout');
    expect(configErrorOf({ node: [] }).key).to.equal('node');
    expect(configErrorOf({ node: CLOSED, requestTimeoutMs: 0 }).key).to.equal('requestTimeoutMs');
    expect(configErrorOf({ node: CLOSED, maxRetries: -1 }).key).to.equal('maxRetries');
  });

  it('rejects credentials given twice', () => {
    const error = configErrorOf({ node: 'http://u:p@127.0.0.1:9200', auth: { username: 'u', password: 'p' } });
    expect(error.key).to.equal('auth');
  });

  it('never puts the password of a malformed URL in the error message', () => {
    const error = configErrorOf({ node: 'http://admin:hunter2@[bad-host:9200' });
    expect(error.message).not.to.contain('hunter2');
  });

  it('logs neither the URL password nor the auth password, on creation or on a failed request', async () => {
    for (const options of [
      { node: 'http://admin:hunter2@127.0.0.1:1' },
      { node: CLOSED, auth: { username: 'admin', password: 'hunter2' } },
    ]) {
      const { logger, lines } = captureLogger();
      const client = createOpenSearchClient({ ...options, logger, requestTimeoutMs: 2000 });
      const health = await checkOpenSearchHealth(client, { timeoutMs: 2000 });
      await client.close();
      expect(health.status).to.equal('unreachable');
      expect(lines.some((line) => line.includes('opensearch client created'))).to.equal(true);
      expect(lines.some((line) => line.includes('opensearch request failed'))).to.equal(true);
      expect(lines.join('\n')).not.to.contain('hunter2');
      if (health.status === 'unreachable') expect(health.reason).not.to.contain('hunter2');
    }
  });
});

describe('checkOpenSearchHealth', () => {
  it('reports an unreachable node instead of throwing', async () => {
    const { logger } = captureLogger();
    const client = createOpenSearchClient({ node: CLOSED, logger });
    const health = await checkOpenSearchHealth(client, { timeoutMs: 2000 });
    await client.close();
    expect(health.healthy).to.equal(false);
    expect(health.status).to.equal('unreachable');
    if (health.status === 'unreachable') expect(health.reason).to.match(/^ConnectionError: /);
  });
});
