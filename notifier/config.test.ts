import { expect } from 'chai';
import { describeConfig, loadConfig } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';
import { notifierConfigSchema } from './config.js';

const load = (env: Record<string, string>) => loadConfig(notifierConfigSchema, { envPrefix: 'notifier', env });

describe('notifier config', () => {
  it('fills defaults: consumer group sawmill-notifier, port 9404, one message per rule', () => {
    const config = load({ SAWMILL_NOTIFIER__EMAIL__TO: 'ops@example.com' });
    expect(config.kafka.groupId).to.equal('sawmill-notifier');
    expect(config.kafka.topic).to.equal('alerts');
    expect(config.metricsPort).to.equal(9404);
    expect(config.grouping.byLabels).to.deep.equal([]);
    expect(config.email.to).to.deep.equal(['ops@example.com']);
    expect(config.webhook.enabled).to.equal(false);
  });

  it('refuses unknown keys, an email channel without recipients and a half-configured webhook', () => {
    expect(() => load({ SAWMILL_NOTIFIER__EMAIL__TO: 'a@b.c', SAWMILL_NOTIFIER__NOPE: '1' })).to.throw(ConfigError, 'NOPE');
    expect(() => load({})).to.throw(ConfigError, 'email is enabled but has no recipient');
    expect(() => load({ SAWMILL_NOTIFIER__EMAIL__TO: 'a@b.c', SAWMILL_NOTIFIER__WEBHOOK__ENABLED: 'true' })).to.throw(ConfigError, 'url or secret is missing');
    expect(() => load({ SAWMILL_NOTIFIER__EMAIL__TO: 'a@b.c', SAWMILL_NOTIFIER__EMAIL__SMTP__USER: 'u' })).to.throw(ConfigError, 'both user and password');
  });

  it('describes every key (for sawmill config notifier)', () => {
    const entries = describeConfig(notifierConfigSchema, { envPrefix: 'notifier' });
    const missing = entries.filter((entry) => entry.description === '').map((entry) => entry.key);
    expect(missing).to.deep.equal([]);
    expect(entries.find((entry) => entry.key === 'email.smtp.password')?.env).to.equal('SAWMILL_NOTIFIER__EMAIL__SMTP__PASSWORD');
  });
});
