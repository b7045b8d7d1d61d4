import { expect } from 'chai';
import { parseNginxAccess } from './nginx-access.js';

describe('parseNginxAccess', () => {
  it('reads combined with a trailing $request_time in seconds', () => {
    const p = parseNginxAccess('93.184.216.34 - - [01/Dec/2026:10:22:56 +0000] "GET /index.html HTTP/2.0" 500 153 "-" "Mozilla/5.0" 0.250', {});
    expect(p).to.deep.include({ format: 'nginx-access', level: 'ERROR', latencyMs: 250, timestampMs: Date.parse('2026-12-01T10:22:56Z') });
  });
  it('answers undefined for an error-log line', () => {
    expect(parseNginxAccess('2026/12/01 10:22:56 [error] 1#0: x', {})).to.equal(undefined);
  });
});
