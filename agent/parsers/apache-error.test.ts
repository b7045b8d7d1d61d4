import { expect } from 'chai';
import { parseApacheError } from './apache-error.js';

describe('parseApacheError', () => {
  it('reads the 2.2 layout (loghub Apache)', () => {
    const p = parseApacheError('[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties', {});
    expect(p).to.deep.include({ level: 'NOTICE', levelText: 'notice', message: 'workerEnv.init() ok /etc/httpd/conf/workers2.properties', timestampMs: Date.parse('2005-12-04T04:47:44Z'), timestampText: 'Sun Dec 04 04:47:44 2005' });
    expect(parseApacheError('[Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] Directory index forbidden', {})?.fields).to.deep.equal({ client: '1.2.3.4' });
  });
  it('reads the 2.4 layout with module, pid, tid, client and code', () => {
    const p = parseApacheError('[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:5678] AH00128: File does not exist: /x', {});
    expect(p).to.deep.include({ level: 'ERROR', levelText: 'error', message: 'AH00128: File does not exist: /x', timestampMs: Date.parse('2011-09-09T10:42:29.902Z') });
    expect(p?.fields).to.deep.equal({ module: 'core', pid: 35708, tid: 4328636416, client: '72.15.99.187:5678', code: 'AH00128' });
    expect(parseApacheError('[Fri Sep 09 10:42:29 2011] [auth_basic:trace3] x', {})?.level).to.equal('TRACE');
  });
  it('rejects other bracketed lines', () => {
    expect(parseApacheError('[2026-12-01 10:00:00] ERROR x', {})).to.equal(undefined);
    expect(parseApacheError('[Sun Dec 04 04:47:44 2005] [nonsense] x', {})).to.equal(undefined);
  });
});
