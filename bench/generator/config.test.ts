import { expect } from 'chai';
import { pino } from 'pino';
import { ConfigError } from '../../lib/errors.js';
import { demoSourceConfigSchema, demoSourceOptionsFromConfig, parseDemoSourceConfig } from './config.js';

describe('demo source config', () => {
  it('fills in defaults', () => {
    const config = parseDemoSourceConfig({ dir: '/tmp/demo' }, 'test');
    expect(config).to.deep.equal({ rate: 200, seed: 1, dir: '/tmp/demo', incident: 'auto', metricsPort: 9406, metricsHost: '127.0.0.1' });
    const withKafka = parseDemoSourceConfig({ kafka: { brokers: ['127.0.0.1:9092'] } }, 'test');
    expect(withKafka.kafka).to.deep.equal({ brokers: ['127.0.0.1:9092'], topic: 'logs.raw' });
  });

  it('accepts max rate, a service subset and a fixed incident', () => {
    const config = parseDemoSourceConfig(
      {
        rate: 'max',
        seed: 9,
        services: ['auth', 'sshd'],
        dir: 'x',
        rotateBytes: 1_000_000,
        incident: { service: 'auth', startsAtMs: 1_700_000_000_000, durationMs: 30_000 },
      },
      'test',
    );
    expect(config.rate).to.equal('max');
    const options = demoSourceOptionsFromConfig(config, { logger: pino({ enabled: false }) });
    expect(options.ratePerSecond).to.equal('max');
    expect(options.outputs).to.deep.equal({ dir: 'x', rotateBytes: 1_000_000, kafka: undefined });
    expect(options.incident).to.deep.equal({ service: 'auth', startsAtMs: 1_700_000_000_000, durationMs: 30_000 });
  });

  const bad: Array<[string, unknown, string]> = [
    ['an unknown key', { dir: 'x', speed: 5 }, 'speed'],
    ['an unknown nested key', { kafka: { brokers: ['b:1'], acks: 1 } }, 'kafka.acks'],
    ['a negative rate', { dir: 'x', rate: -1 }, 'rate'],
    ['an empty broker list', { kafka: { brokers: [] } }, 'kafka.brokers'],
    ['an unknown service', { dir: 'x', services: ['nope'] }, 'services[0]'],
    ['an unknown incident service', { dir: 'x', incident: { service: 'nope', startsAtMs: 0, durationMs: 1 } }, 'incident'],
    ['no output at all', {}, 'dir'],
    ['rotation without a directory', { kafka: { brokers: ['b:1'] }, rotateBytes: 10 }, 'rotateBytes'],
  ];
  for (const [what, input, key] of bad) {
    it(`rejects ${what} with a ConfigError naming the key and the source`, () => {
      let caught: unknown;
      try {
        parseDemoSourceConfig(input, 'demo.yaml');
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(ConfigError);
      const error = caught as ConfigError;
      expect(error.source).to.equal('demo.yaml');
      expect(error.key.startsWith(key)).to.equal(true, `key ${error.key} for ${what}`);
      expect(error.message).to.include('demo.yaml');
    });
  }

  it('describes every key', () => {
    const undescribed: string[] = [];
    const walk = (shape: Record<string, { description?: string; unwrap?: () => unknown }>, prefix: string): void => {
      for (const [key, schema] of Object.entries(shape)) {
        if (typeof schema.description !== 'string' || schema.description === '') undescribed.push(prefix + key);
      }
    };
    walk(demoSourceConfigSchema.shape, '');
    walk(demoSourceConfigSchema.shape.kafka.unwrap().shape, 'kafka.');
    expect(undescribed).to.deep.equal([]);
    expect(demoSourceConfigSchema.description).to.be.a('string');
  });
});
