import { expect } from 'chai';
import { parseSyslog3164 } from './syslog-3164.js';

const now = Date.UTC(2026, 11, 15);

describe('parseSyslog3164', () => {
  it('reads PRI, time (inferred year), host, tag and pid', () => {
    const p = parseSyslog3164("<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed for lonvick", { now });
    expect(p).to.deep.include({ level: 'FATAL', levelText: '2', host: 'mymachine', service: 'su', message: "'su root' failed for lonvick", timestampMs: Date.UTC(2026, 9, 11, 22, 14, 15), timestampText: 'Oct 11 22:14:15' });
    expect(p?.fields).to.deep.equal({ facility: 'auth', severity: 2, program: 'su', pid: 123 });
  });

  it('reads lines without PRI (no level), single-digit days and tags with spaces', () => {
    const p = parseSyslog3164('Jul  9 04:04:23 combo syslogd 1.4.1: restart.', { now });
    expect(p).to.deep.include({ host: 'combo', service: 'syslogd 1.4.1', message: 'restart.', timestampMs: Date.UTC(2026, 6, 9, 4, 4, 23) });
    expect(p?.level).to.equal(undefined);
  });

  it('keeps the text after the host when there is no tag', () => {
    expect(parseSyslog3164('Dec  1 10:22:54 host just some text', { now })?.message).to.equal('just some text');
  });

  it('reads the RFC 3339 variant', () => {
    const p = parseSyslog3164('<30>2026-12-01T10:22:54.123+01:00 web-1 nginx[9]: started', { now });
    expect(p).to.deep.include({ level: 'INFO', host: 'web-1', service: 'nginx', timestampMs: Date.parse('2026-12-01T09:22:54.123Z') });
  });

  it('rejects other lines and bad PRI', () => {
    expect(parseSyslog3164('Foo 11 22:14:15 host x: y', { now })).to.equal(undefined);
    expect(parseSyslog3164('<999>Oct 11 22:14:15 host x: y', { now })).to.equal(undefined);
    expect(parseSyslog3164('hello', { now })).to.equal(undefined);
  });
});
