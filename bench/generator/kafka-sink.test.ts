import { expect } from 'chai';
import { pino } from 'pino';
import { ConfigError } from '../../lib/errors.js';
import { createKafkaSink, type KafkaSinkOptions } from './kafka-sink.js';

// Producing is covered against a real broker in test/integration/demo-kafka.test.ts;
// here only the option checks that must fail before any connection is attempted.
describe('createKafkaSink options', () => {
  const logger = pino({ enabled: false });
  const bad: Array<[string, Omit<KafkaSinkOptions, 'logger'>]> = [
    ['no brokers', { brokers: [] }],
    ['an empty topic', { brokers: ['127.0.0.1:9'], topic: '' }],
    ['a zero batch size', { brokers: ['127.0.0.1:9'], batchMaxBytes: 0 }],
    ['a fractional in-flight bound', { brokers: ['127.0.0.1:9'], maxInFlight: 1.5 }],
    ['a negative linger', { brokers: ['127.0.0.1:9'], lingerMs: -1 }],
    ['a broker without a port', { brokers: ['localhost'] }],
  ];
  for (const [what, options] of bad) {
    it(`rejects ${what} with ConfigError before connecting`, async () => {
      let caught: unknown;
      try {
        await createKafkaSink({ ...options, logger });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(ConfigError);
    });
  }
});
