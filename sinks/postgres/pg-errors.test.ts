import { expect } from 'chai';
import { InvalidInputError, ServiceUnavailableError } from '../../lib/errors.js';
import { classifyPgError } from './pg-errors.js';

function pgError(code: string | undefined, message = 'boom'): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('classifyPgError', () => {
  it('treats data errors (22, 23, 54) as not retriable', () => {
    for (const code of ['22021', '23502', '54000']) {
      const error = classifyPgError(pgError(code), 'writing');
      expect(error, code).to.be.instanceOf(InvalidInputError);
      expect(error.retriable).to.equal(false);
    }
  });

  it('treats everything else as retriable: shutdown, connection loss, timeouts, unknown', () => {
    for (const error of [pgError('57P01'), pgError('08006'), pgError('57014'), pgError('53300'), pgError('ECONNREFUSED'), pgError(undefined, 'Connection terminated unexpectedly')]) {
      const classified = classifyPgError(error, 'writing');
      expect(classified).to.be.instanceOf(ServiceUnavailableError);
      expect(classified.retriable).to.equal(true);
    }
  });

  it('keeps credentials out of the message', () => {
    expect(classifyPgError(pgError('08006', 'cannot reach postgres://u:secret@h/db'), 'x').message).to.not.include('secret');
  });
});
