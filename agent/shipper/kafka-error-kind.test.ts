import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { kafkaErrorKind } from './kafka-error-kind.js';

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

describe('kafkaErrorKind', () => {
  it('retries connection failures and exhausted kafkajs retries', () => {
    expect(kafkaErrorKind(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).to.equal('retriable');
    expect(kafkaErrorKind(new KafkaJSNumberOfRetriesExceeded(new Error('x'), { retryCount: 2, retryTime: 10 }))).to.equal('retriable');
  });
  it('gives up on a record too large, even when wrapped', () => {
    const tooLarge = new KafkaJSProtocolError({ type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false, message: 'too large' } as unknown as Error);
    expect(kafkaErrorKind(tooLarge)).to.equal('fatal');
    expect(kafkaErrorKind(new KafkaJSNumberOfRetriesExceeded(tooLarge, { retryCount: 1, retryTime: 1 }))).to.equal('fatal');
  });
  it('treats a programming error as fatal', () => {
    expect(kafkaErrorKind(new TypeError('bad'))).to.equal('fatal');
  });
});
