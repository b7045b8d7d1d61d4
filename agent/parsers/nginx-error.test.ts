import { expect } from 'chai';
import { parseNginxError } from './nginx-error.js';

describe('parseNginxError', () => {
  it('reads level, pid/tid, connection and the trailing context', () => {
    const p = parseNginxError('2026/12/01 10:22:56 [error] 1234#5678: *99 open() "/var/www/x" failed (2: No such file or directory), client: 1.2.3.4, server: example.com, request: "GET /x HTTP/1.1", host: "example.com"', {});
    expect(p).to.deep.include({ level: 'ERROR', levelText: 'error', format: 'nginx-error', message: 'open() "/var/www/x" failed (2: No such file or directory)', timestampMs: Date.parse('2026-12-01T10:22:56Z') });
    expect(p?.fields).to.deep.equal({ pid: 1234, tid: 5678, connection: 99, client: '1.2.3.4', server: 'example.com', request: 'GET /x HTTP/1.1', host: 'example.com' });
  });
  it('reads the configured zone and other levels', () => {
    const p = parseNginxError('2026/07/01 12:00:00 [crit] 1#0: worker died', { timeZone: 'Europe/Paris' });
    expect(p).to.deep.include({ level: 'FATAL', message: 'worker died', timestampMs: Date.parse('2026-07-01T10:00:00Z') });
    expect(parseNginxError('2026/07/01 12:00:00 [bogus] 1#0: x', {})).to.equal(undefined);
  });
});
