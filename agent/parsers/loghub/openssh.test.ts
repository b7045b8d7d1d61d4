import { expect } from 'chai';
import { parseOpenssh } from './openssh.js';

const now = Date.UTC(2026, 11, 15);

describe('parseOpenssh', () => {
  it('reads the syslog part and the user, source address and port', () => {
    const p = parseOpenssh('Dec 10 07:07:38 LabSZ sshd[24206]: Failed password for invalid user test9 from 52.80.34.196 port 36060 ssh2', { now });
    expect(p).to.deep.include({ format: 'openssh', host: 'LabSZ', service: 'sshd', timestampMs: Date.UTC(2026, 11, 10, 7, 7, 38) });
    expect(p?.fields).to.deep.include({ pid: 24206, user: 'test9', source_ip: '52.80.34.196', source_port: 36060 });
    expect(p?.level).to.equal(undefined);
  });
  it('is not the format for other programs', () => {
    expect(parseOpenssh('Dec 10 07:07:38 LabSZ cron[1]: x', { now })).to.equal(undefined);
  });
});
