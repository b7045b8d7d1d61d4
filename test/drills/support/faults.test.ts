import { expect } from 'chai';
import { newestClusterVersion, produceQuotaArgs, terminateBackendsQuery, tmpfsMountOptions } from './faults.js';

describe('drill faults: pure helpers', () => {
  it('picks the newest PostgreSQL cluster numerically, as sort -V does', () => {
    expect(newestClusterVersion(['9.6', '15', '16'])).to.equal('16');
    expect(newestClusterVersion(['10', '9.6'])).to.equal('10');
    expect(newestClusterVersion(['README', '15'])).to.equal('15');
    expect(() => newestClusterVersion(['README'])).to.throw(/no PostgreSQL cluster/);
  });

  it('builds tmpfs mount options in whole KiB and refuses sizes the kernel would not honour', () => {
    expect(tmpfsMountOptions(2 * 1024 * 1024)).to.equal('size=2048k,mode=0755');
    expect(tmpfsMountOptions(100_000, '0700')).to.equal('size=98k,mode=0700');
    expect(() => tmpfsMountOptions(1024)).to.throw(RangeError);
    expect(() => tmpfsMountOptions(1024 * 1024, '0o755')).to.throw(RangeError);
  });

  it('terminates only the named database, never its own backend nor the maintenance database', () => {
    const query = terminateBackendsQuery('drill_x');
    expect(query.values).to.deep.equal(['drill_x']);
    expect(query.text).to.contain('pg_backend_pid()').and.contain('datname = $1');
    expect(() => terminateBackendsQuery('postgres')).to.throw(/refusing/);
    expect(() => terminateBackendsQuery('')).to.throw(/refusing/);
  });

  it('sets and removes one client id\'s produce quota, never the default entity', () => {
    expect(produceQuotaArgs('127.0.0.1:9092', 'agent-x', 1024)).to.deep.equal(['--bootstrap-server', '127.0.0.1:9092', '--alter', '--entity-type', 'clients', '--entity-name', 'agent-x', '--add-config', 'producer_byte_rate=1024']);
    expect(produceQuotaArgs('b:1', 'agent-x', undefined).slice(-2)).to.deep.equal(['--delete-config', 'producer_byte_rate']);
    expect(() => produceQuotaArgs('b:1', ' ', 10)).to.throw(/client id/);
    expect(() => produceQuotaArgs('b:1', 'a', 0)).to.throw(RangeError);
  });
});
