import { expect } from 'chai';
import { parseLinux } from './linux.js';

describe('parseLinux', () => {
  it('splits a PAM tag into program and module, inferring the year from now', () => {
    const p = parseLinux('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0', { now: Date.UTC(2027, 0, 5) });
    expect(p).to.deep.include({ format: 'linux', host: 'combo', service: 'sshd', timestampMs: Date.UTC(2026, 5, 14, 15, 16, 1), message: 'authentication failure; logname= uid=0' });
    expect(p?.fields).to.deep.equal({ program: 'sshd', module: 'pam_unix', pid: 19939 });
  });
  it('keeps plain tags', () => {
    expect(parseLinux('Jul 27 14:41:57 combo kernel: BIOS-provided physical RAM map:', { now: Date.UTC(2026, 7, 1) })?.service).to.equal('kernel');
  });
});
