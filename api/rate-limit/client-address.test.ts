import { expect } from 'chai';
import { clientAddress } from './client-address.js';

describe('clientAddress', () => {
  it('uses the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.9', '1.2.3.4', 0)).to.equal('10.0.0.9');
  });
  it('takes the N-th entry from the right, never the client-chosen left-most one', () => {
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.7', 1)).to.equal('203.0.113.7');
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.7, 10.0.0.2', 2)).to.equal('203.0.113.7');
  });
  it('joins repeated headers in order', () => {
    expect(clientAddress('10.0.0.1', ['6.6.6.6', '203.0.113.8'], 1)).to.equal('203.0.113.8');
  });
  it('falls back to the socket on too few entries, garbage or an oversized header', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.7', 2)).to.equal('10.0.0.1');
    expect(clientAddress('10.0.0.1', '1.1.1.1, not-an-ip', 1)).to.equal('10.0.0.1');
    expect(clientAddress('10.0.0.1', `${'1.1.1.1,'.repeat(600)}2.2.2.2`, 1)).to.equal('10.0.0.1');
  });
  it('maps IPv4-mapped IPv6 socket addresses to IPv4', () => {
    expect(clientAddress('::ffff:127.0.0.1', undefined, 0)).to.equal('127.0.0.1');
  });
});
