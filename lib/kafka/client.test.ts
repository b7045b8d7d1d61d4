import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { ConfigError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createKafka, parseBrokerList, producerDefaults, sendDefaults } from './client.js';

const logger = createLogger('test', { level: 'silent' });

describe('createKafka', () => {
  it('throws ConfigError at once on an empty broker list', () => {
    expect(() => createKafka({ brokers: [], clientId: 'x', logger }))
      .to.throw(ConfigError)
      .with.property('key', 'kafka.brokers');
  });

  it('names the malformed broker entry', () => {
    expect(() => createKafka({ brokers: ['127.0.0.1:9092', 'localhost'], clientId: 'x', logger }))
      .to.throw(ConfigError)
      .with.property('key', 'kafka.brokers[1]');
  });

  it('rejects an empty client id', () => {
    expect(() => createKafka({ brokers: ['127.0.0.1:9092'], clientId: ' ', logger })).to.throw(ConfigError);
  });

  it('routes kafkajs log lines into the pino logger with their fields', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const captured = pino({ level: 'info', base: { component: 'test' } }, sink);
    const kafka = createKafka({ brokers: ['127.0.0.1:9092'], clientId: 'unit', logger: captured });
    kafka.logger().namespace('Connection').warn('broker went away', { broker: '127.0.0.1:9092' });
    kafka.logger().debug('dropped below the pino level');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ msg: 'broker went away', broker: '127.0.0.1:9092', kafka_client_id: 'unit', level: 40 });
    expect(lines[0]).to.have.property('kafkajs', 'Connection');
  });
});

describe('producer defaults', () => {
  it('are idempotent with acks=all and at most 5 requests in flight', () => {
    expect(producerDefaults).to.include({ idempotent: true, maxInFlightRequests: 5 });
    expect(sendDefaults.acks).to.equal(-1);
  });
});

describe('parseBrokerList', () => {
  it('splits and trims a comma-separated list', () => {
    expect(parseBrokerList(' 127.0.0.1:9092, 127.0.0.1:9094 ,')).to.deep.equal(['127.0.0.1:9092', '127.0.0.1:9094']);
    expect(parseBrokerList('')).to.deep.equal([]);
  });
});
