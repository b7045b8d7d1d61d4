import { expect } from 'chai';
import { parseApacheAccess } from './apache-access.js';

describe('parseApacheAccess', () => {
  it('reads the common log format and a trailing %D in microseconds', () => {
    const p = parseApacheAccess('192.168.1.20 - - [28/Jul/2006:10:27:10 -0300] "GET /cgi-bin/try/ HTTP/1.0" 200 3395 "-" "ua" 2500', {});
    expect(p).to.deep.include({ format: 'apache-access', level: 'INFO', latencyMs: 2.5, timestampMs: Date.parse('2006-07-28T13:27:10Z') });
    expect(parseApacheAccess('192.168.1.20 - - [28/Jul/2006:10:27:10 -0300] "GET / HTTP/1.0" 200 3395', {})?.fields.path).to.equal('/');
  });
});
