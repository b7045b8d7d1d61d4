import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { isIpv6, maskToken, messagePattern, PATTERN_CUT_MARKER, patternIdOf } from './pattern-id.js';

describe('messagePattern', () => {
  const cases: Array<[string, string]> = [
    ['PacketResponder 1 for block blk_38865049064139660 terminating', 'PacketResponder <num> for block blk_<*> terminating'],
    ['Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6', 'Received block blk_<*> of size <num> from /<ip>'],
    ['connect to 10.0.0.1:5432 failed', 'connect to <ip> failed'],
    ['peer fe80::1%eth0 and ::1 and 2001:db8:0:0:0:0:2:1 and [2001:db8::ff00:42:8329]:443', 'peer <ip> and <ip> and <ip> and [<ip>]:<num>'],
    ['started at 17:41:44,747 on 2015-07-29 version 1.2.3', 'started at <num> on <num> version <num>'],
    ['request id=550e8400-e29b-41d4-a716-446655440000 done', 'request id=<uuid> done'],
    ['addr 0xdeadBEEF hash a3f9c2e1b7 short abc1', 'addr <hex> hash <hex> short abc<*>'],
    ['mail bob.smith+x@example.co.uk about it', 'mail <email> about it'],
    ['took 123ms size 1.5GB load 99%', 'took <num>ms size <num>GB load <num>%'],
    ['wrote /data/run-7/part-00590.log to /tmp/x', 'wrote /data/run-<*>/part-<*>.log to /tmp/x'],
    ['host node12.example.com class org.apache.v2.App', 'host node<*>.example.com class org.apache.v<*>.App'],
    ['user "bob smith" said it\'s \'fine\'', 'user "<*>" said it\'s \'<*>\''],
    ['appattempt_1445144423722_0020_000001 user42 2nd', 'appattempt_<*> user<*> <num>nd'],
    ['value=-5 and +7 and 3.14e-2', 'value=<num> and <num> and <num>'],
    ['  padded\t\tcolumns   here  ', 'padded columns here'],
    ['first line 1\n\tat com.example.Foo.bar(Foo.java:42)', 'first line <num>'],
    ['BLOCK* ask 10.0.0.1:50010 to delete blk_1 blk_-2 blk_3', 'BLOCK* ask <ip> to delete blk_<*>'],
    ['ids 1, 2,3; 4 and 5', 'ids <num> and <num>'],
    ['no variable parts at all', 'no variable parts at all'],
    ['', ''],
  ];
  for (const [message, pattern] of cases) {
    it(`masks ${JSON.stringify(message.slice(0, 40))}`, () => expect(messagePattern(message)).to.equal(pattern));
  }

  it('gives lines of one statement the same pattern id and different statements different ids', () => {
    const a = patternIdOf(messagePattern('Received block blk_1 of size 67108864 from /10.251.42.84'));
    const b = patternIdOf(messagePattern('Received block blk_-99 of size 3 from /10.0.0.1'));
    const c = patternIdOf(messagePattern('Deleting block blk_1 file /x/blk_1'));
    expect(a).to.equal(b);
    expect(a).to.not.equal(c);
  });

  it('patternId is the first 16 hex digits of SHA-256 of the pattern', () => {
    const pattern = 'took <num>ms';
    expect(patternIdOf(pattern)).to.equal(createHash('sha256').update(pattern).digest('hex').slice(0, 16));
    expect(patternIdOf(pattern)).to.match(/^[0-9a-f]{16}$/);
  });

  it('bounds a huge line: only the first maxLength characters count, with a marker', () => {
    const huge = `start ${'x1 '.repeat(2_000_000)}`;
    const started = process.hrtime.bigint();
    const pattern = messagePattern(huge, 64);
    expect(Number(process.hrtime.bigint() - started) / 1e6, 'ms').to.be.below(50);
    expect(pattern).to.equal(`start x<*> ${PATTERN_CUT_MARKER}`);
  });

  it('turns control characters into single spaces and survives unmatched quotes', () => {
    expect(messagePattern('a\u0000b\u0007\u001bc\u007fd')).to.equal('a b c d');
    expect(messagePattern('open "quote 12 never closed')).to.equal('open "quote <num> never closed');
    expect(messagePattern(`"${'y'.repeat(400)}" 5`)).to.equal(`"${'y'.repeat(400)}" <num>`);
  });
});

describe('maskToken and isIpv6', () => {
  it('classifies tokens', () => {
    expect(['42', '-42', '1.5', '255.255.255.255', '256.1.1.1', '10.0.0.1/24', 'x@y.io', 'DEADBEEF01', '0x1F', 'abc', 'a1b'].map(maskToken)).to.deep.equal(
      ['<num>', '<num>', '<num>', '<ip>', '<num>', '<ip>', '<email>', '<hex>', '<hex>', 'abc', 'a<*>'],
    );
  });
  it('accepts real IPv6 forms and refuses look-alikes', () => {
    expect(['::1', 'fe80::1', '2001:db8::1', '1:2:3:4:5:6:7:8', '::ffff:192.0.2.1', 'fe80::1%eth0'].map(isIpv6)).to.deep.equal([true, true, true, true, true, true]);
    expect(['17:41:44', '1:2:3:4:5:6:7', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', ':'].map(isIpv6)).to.deep.equal([false, false, false, false, false, false]);
  });
});
