import { expect } from 'chai';
import type { Kafka } from 'kafkajs';
import { ConfigError } from '../../../lib/errors.js';
import { createLogger } from '../../../lib/logger.js';
import type { SinkRunnerOptions } from '../sink-runner.js';
import type { SinkWriter } from '../sink-writer.js';
import { validateRunnerOptions } from './validate-options.js';

const writer: SinkWriter<string> = {
  name: 'unit-sink',
  start: async () => undefined,
  write: async (records) => records.map(() => ({ status: 'stored' as const })),
  checkReady: async () => undefined,
  close: async () => undefined,
};
const base: SinkRunnerOptions<string> = {
  writer,
  kafka: { consumer: () => undefined } as unknown as Kafka,
  topics: ['in'],
  decoder: { deserialize: (_t, data) => (data === null ? null : data.toString()) },
  logger: createLogger('unit', { level: 'silent' }),
};

describe('sink runner options', () => {
  it('fills in the defaults in one place', () => {
    const resolved = validateRunnerOptions(base);
    expect(resolved).to.include({
      groupId: 'sawmill-sink-unit-sink', startFrom: 'committed', bounded: false, deadLetterTopic: 'logs.dlq', maxRecords: 2000,
      maxBytes: 4 * 1024 * 1024, maxWaitMs: 200, initialDelayMs: 200, maxDelayMs: 10_000, partitionsConsumedConcurrently: 16, maxInFlightBatches: 1,
    });
  });

  it('refuses each bad option with a ConfigError naming it', () => {
    const cases: [Partial<SinkRunnerOptions<string>>, string][] = [
      [{ topics: ['in', 'in'] }, 'topics'],
      [{ topics: ['bad topic'] }, 'topics[0]'],
      [{ writer: { ...writer, name: 'Bad_Name' } }, 'writer.name'],
      [{ groupId: '' }, 'groupId'],
      [{ deadLetterTopic: 'in' }, 'deadLetterTopic'],
      [{ batch: { maxWaitMs: -1 } }, 'batch.maxWaitMs'],
      [{ retry: { initialDelayMs: 500, maxDelayMs: 100 } }, 'retry.maxDelayMs'],
      [{ maxInFlightBatches: 0 }, 'maxInFlightBatches'],
      [{ startFrom: { offsets: [{ topic: 'in', partition: -1, offset: '0' }] } }, 'startFrom.offsets[0].partition'],
      [{ startFrom: { offsets: [{ topic: 'in', partition: 0, offset: '1e3' }] } }, 'startFrom.offsets[0].offset'],
      [{ startFrom: 'latest' as never }, 'startFrom'],
    ];
    for (const [patch, key] of cases) {
      let thrown: unknown;
      try {
        validateRunnerOptions({ ...base, ...patch });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, key).to.be.instanceOf(ConfigError);
      expect((thrown as ConfigError).key, key).to.equal(key);
    }
  });
});
