import { expect } from 'chai';
import { candidatesFor, createAutoDetector } from './auto-detect.js';

const now = Date.UTC(2026, 11, 15);

describe('auto-detect', () => {
  const samples: [string, string][] = [
    ['{"level":"info","msg":"hi"}', 'json'],
    ['<165>1 2003-10-11T22:14:15.003Z host app - - - msg', 'syslog-5424'],
    ['<34>Oct 11 22:14:15 host su: msg', 'syslog-3164'],
    ['Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster', 'syslog-3164'],
    ['[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok', 'apache-error'],
    ['2015-07-29 17:41:44,747 - INFO  [a:B@1] - c', 'zookeeper'],
    ['2015-10-18 18:01:47,978 INFO [main] org.x.Y: z', 'hadoop'],
    ['2026-12-01T10:22:54.123Z web-1 app[1]: rsyslog style', 'syslog-3164'],
    ['2026-12-01T10:22:54.123456789Z stdout F {"level":"info","msg":"hi"}', 'cri'],
    ['2026-12-01T10:22:54.123456789+01:00 stderr P ts=2026-12-01T10:22:54Z level=info msg=hi', 'cri'],
    ['2026-12-01T10:22:54Z stdout F Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user', 'cri'],
    ['2026/12/01 10:22:56 [error] 1#0: boom', 'nginx-error'],
    ['17/06/09 20:10:40 INFO spark.X: y', 'spark'],
    ['081109 203615 148 INFO dfs.X: y', 'hdfs'],
    ['1.2.3.4 - - [01/Dec/2026:10:22:56 +0000] "GET / HTTP/1.1" 200 5 "-" "ua"', 'access-log'],
    ['host.example - - [01/Dec/2026:10:22:56 +0000] "GET / HTTP/1.1" 200 5', 'access-log'],
    ['ts=2026-12-01T10:22:54Z level=info msg=hi', 'logfmt'],
    ['2026-12-01 10:22:54.123 ERROR [main] c.x.A - failed', 'plain'],
    ['just a sentence', 'plain'],
  ];
  for (const [line, format] of samples) {
    it(`recognises ${format}: ${line.slice(0, 40)}`, () => expect(createAutoDetector().parse(line, { now }).format).to.equal(format));
  }

  it('is sticky per source but still recognises a change of format', () => {
    const d = createAutoDetector();
    expect(d.lastFormat).to.equal(undefined);
    d.parse('081109 203615 148 INFO dfs.X: y', { now });
    expect(d.lastFormat).to.equal('hdfs');
    expect(d.parse('{"msg":"x"}', { now }).format).to.equal('json');
    expect(d.lastFormat).to.equal('json');
    expect(d.parse('081109 203616 148 WARN dfs.X: z', { now })).to.deep.include({ format: 'hdfs', level: 'WARN' });
  });

  it('ignores a trailing CR', () => {
    expect(createAutoDetector().parse('081109 203615 148 INFO dfs.X: y\r', { now }).message).to.equal('y');
  });

  it('prefilters by the first characters', () => {
    expect(candidatesFor('{')).to.have.length(1);
    expect(candidatesFor('\u0000abc')).to.have.length(0);
  });
});

describe('auto-detect on hostile input', function () {
  // Generous deadline: the point is "completes", not a timing assertion.
  this.timeout(20_000);
  const d = createAutoDetector();
  const plainOrUndefined = (line: string): void => {
    const p = d.parse(line, { now });
    expect(p.format).to.be.oneOf(['plain', 'json', 'logfmt', 'syslog-3164', 'access-log']);
    expect(p.message.length).to.be.at.most(line.length);
  };

  it('a 5 MB line', () => {
    const line = `2026-12-01T10:22:54Z ERROR ${'x'.repeat(5 * 1024 * 1024)}`;
    const p = d.parse(line, { now });
    expect(p).to.deep.include({ format: 'plain', level: 'ERROR', timestampMs: Date.parse('2026-12-01T10:22:54Z') });
    expect(p.message.length).to.equal(line.length);
    plainOrUndefined(`{"msg":"${'y'.repeat(5 * 1024 * 1024)}"}`);
    plainOrUndefined(`a=${'z '.repeat(2 * 1024 * 1024)}`);
    plainOrUndefined(`1.2.3.4 ${'- '.repeat(2 * 1024 * 1024)}`);
  });

  it('invalid UTF-8 (replacement characters), NUL bytes and ANSI escapes', () => {
    plainOrUndefined('\uFFFD\uFFFD{"a":\uFFFD}\uFFFD');
    plainOrUndefined('2026-12-01T10:22:54Z \u0000\u0000 WARN \u0000');
    plainOrUndefined('\u001b[31mERROR\u001b[0m something broke');
    plainOrUndefined('\u001b[2J\u001b[H');
    plainOrUndefined('Dec 10 06:55:46 host \u0000sshd[1]: \u0000');
  });

  it('100k opening braces and deep nesting', () => {
    plainOrUndefined('{'.repeat(100_000));
    plainOrUndefined(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
    plainOrUndefined(`${'['.repeat(100_000)}`);
    plainOrUndefined(`<${'1'.repeat(100_000)}`);
    plainOrUndefined(`[${'['.repeat(100_000)}`);
  });
});
