import { expect } from 'chai';
import { parsePlainLine } from './plain.js';

describe('parsePlainLine', () => {
  it('extracts an ISO time at the start and an upper-case level word', () => {
    const p = parsePlainLine('2026-12-01 10:22:54.123 ERROR [main] c.x.Service - failed\r', {});
    expect(p).to.deep.include({ format: 'plain', level: 'ERROR', levelText: 'ERROR', timestampMs: Date.parse('2026-12-01T10:22:54.123Z'), message: '2026-12-01 10:22:54.123 ERROR [main] c.x.Service - failed' });
    expect(parsePlainLine('[2026-12-01T10:22:54Z] [warn] x', {})).to.deep.include({ level: 'WARN', timestampMs: Date.parse('2026-12-01T10:22:54Z') });
  });
  it('reads level= markers but not lower-case words in prose', () => {
    expect(parsePlainLine('something level=debug happened', {}).level).to.equal('DEBUG');
    expect(parsePlainLine('no error found in the info table', {}).level).to.equal(undefined);
    expect(parsePlainLine('ERRORS: 0', {}).level).to.equal(undefined);
  });
  it('always returns the whole line as the message', () => {
    expect(parsePlainLine('', {})).to.deep.equal({ message: '', fields: {}, format: 'plain' });
  });
});
