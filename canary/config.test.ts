import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';
import { canaryConfigSchema } from './config.js';

describe('canary config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canary-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function load(yaml: string, env: Record<string, string> = {}): ReturnType<typeof canaryConfigSchema.parse> {
    const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return loadConfig(canaryConfigSchema, { file, envPrefix: 'canary', env });
  }

  function loadError(yaml: string, env: Record<string, string> = {}): ConfigError {
    try {
      load(yaml, env);
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  }

  it('fills the defaults: port 9407, the sawmill-logs-* pattern, 30 s interval, 2 min timeout', () => {
    const config = load('write: { path: /var/log/sawmill-canary/canary.log }\n');
    expect(config).to.deep.equal({
      intervalMs: 30_000,
      timeoutMs: 120_000,
      pollIntervalMs: 500,
      service: 'sawmill-canary',
      write: { mode: 'file', path: '/var/log/sawmill-canary/canary.log', maxFileBytes: 10 * 1024 * 1024, requestTimeoutMs: 10_000 },
      opensearch: { node: 'http://127.0.0.1:9200', indexPattern: 'sawmill-logs-*', requestTimeoutMs: 5_000 },
      metricsPort: 9407,
      metricsHost: '127.0.0.1',
    });
  });

  it('takes the HTTP push mode with a token, and environment overrides', () => {
    const config = load('write: { mode: http, url: "http://127.0.0.1:9480/v1/logs", token: "0123456789abcdef0123" }\n', { SAWMILL_CANARY__INTERVAL_MS: '5000', SAWMILL_CANARY__OPENSEARCH__INDEX_PATTERN: 'other-*' });
    expect(config.write).to.deep.equal({ mode: 'http', path: '/var/lib/sawmill/canary/canary.log', maxFileBytes: 10 * 1024 * 1024, url: 'http://127.0.0.1:9480/v1/logs', token: '0123456789abcdef0123', requestTimeoutMs: 10_000 });
    expect(config.intervalMs).to.equal(5000);
    expect(config.opensearch.indexPattern).to.equal('other-*');
  });

  it('is configurable from the environment alone (the local stack and containers set no file)', () => {
    const config = loadConfig(canaryConfigSchema, {
      envPrefix: 'canary',
      env: { SAWMILL_CANARY__WRITE__MODE: 'http', SAWMILL_CANARY__WRITE__URL: 'http://agent:9480/v1/logs', SAWMILL_CANARY__WRITE__TOKEN: 'abcdefghijklmnopq', SAWMILL_CANARY__METRICS_HOST: '0.0.0.0' },
    });
    expect(config.write.mode).to.equal('http');
    expect(config.write.url).to.equal('http://agent:9480/v1/logs');
    expect(config.metricsHost).to.equal('0.0.0.0');
  });

  it('refuses unknown keys, http mode without url or token, a relative path, a short token, an unknown mode', () => {
    expect(loadError('write: { mode: file, path: /x.log }\nintervall: 5\n').message).to.include('intervall');
    const http = loadError('write: { mode: http }\n').message;
    expect(http).to.include('write.url').and.to.include('write.token');
    expect(loadError('write: { mode: file, path: x.log }\n').message).to.include('write.path');
    expect(loadError('write: { mode: http, url: "http://a/v1/logs", token: short }\n').message).to.include('write.token');
    expect(loadError('write: { mode: kafka, path: /x.log }\n').message).to.include('write.mode');
    expect(loadError('write: { mode: file, path: /x.log, extra: 1 }\n').message).to.include('extra');
  });

  it('refuses a poll interval not below the timeout, out-of-range numbers and a hostile service name', () => {
    expect(loadError('write: { mode: file, path: /x.log }\ntimeoutMs: 1000\npollIntervalMs: 1000\n').message).to.include('pollIntervalMs');
    expect(loadError('write: { mode: file, path: /x.log }\nintervalMs: 10\n').message).to.include('intervalMs');
    expect(loadError('write: { mode: file, path: /x.log }\nmetricsPort: 70000\n').message).to.include('metricsPort');
    expect(loadError('write: { mode: file, path: /x.log }\nservice: "a\\nb"\n').message).to.include('service');
    expect(loadError('write: { mode: file, path: /x.log }\nservice: "' + 'a'.repeat(200) + '"\n').message).to.include('service');
  });
});
