import { expect } from 'chai';
import { parseSyslog5424 } from './syslog-5424.js';

describe('parseSyslog5424', () => {
  it('reads the header, structured data and message', () => {
    const p = parseSyslog5424('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Appl\\"ication" eventID="1011"][examplePriority@32473 class="high"] \uFEFFAn application event', {});
    expect(p).to.deep.include({ level: 'NOTICE', host: 'mymachine.example.com', service: 'evntslog', message: 'An application event', timestampMs: Date.parse('2003-10-11T22:14:15.003Z') });
    expect(p?.fields).to.deep.equal({
      'sd.exampleSDID@32473.iut': '3', 'sd.exampleSDID@32473.eventSource': 'Appl"ication', 'sd.exampleSDID@32473.eventID': '1011',
      'sd.examplePriority@32473.class': 'high', facility: 'local4', severity: 5, program: 'evntslog', msgid: 'ID47',
    });
  });

  it('handles nil values and no message', () => {
    const p = parseSyslog5424('<34>1 - - - - - -', {});
    expect(p).to.deep.include({ level: 'FATAL', message: '' });
    expect(p?.timestampMs).to.equal(undefined);
    expect(p?.host).to.equal(undefined);
  });

  it('rejects malformed structured data and other formats', () => {
    expect(parseSyslog5424('<34>1 2003-10-11T22:14:15Z h a - - [id k="unterminated] x', {})).to.equal(undefined);
    expect(parseSyslog5424('<34>Oct 11 22:14:15 host su: x', {})).to.equal(undefined);
  });
});
