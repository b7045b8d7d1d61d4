import { expect } from 'chai';
import { parseAccessLine } from './access-log.js';

describe('parseAccessLine', () => {
  it('reads the combined format', () => {
    const p = parseAccessLine('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"', {}, 'x', 'auto');
    expect(p).to.deep.include({ level: 'INFO', levelText: '200', message: 'GET /apache_pb.gif HTTP/1.0 200', timestampMs: Date.parse('2000-10-10T20:55:36Z'), timestampText: '10/Oct/2000:13:55:36 -0700', format: 'x' });
    expect(p?.fields).to.deep.equal({ client_ip: '127.0.0.1', user: 'frank', status: 200, bytes: 2326, method: 'GET', path: '/apache_pb.gif', protocol: 'HTTP/1.0', referer: 'http://www.example.com/start.html', user_agent: 'Mozilla/4.08 [en] (Win98; I ;Nav)' });
  });

  it('reads the common format, escaped quotes and a dash for bytes', () => {
    const p = parseAccessLine('::1 - - [01/Dec/2026:10:22:56 +0000] "GET /q?x=\\"a\\" HTTP/1.1" 404 -', {}, 'x', 'auto');
    expect(p).to.deep.include({ level: 'WARN', message: 'GET /q?x="a" HTTP/1.1 404' });
    expect(p?.fields.bytes).to.equal(undefined);
  });

  it('reads extras: key=value pairs, a forwarded-for and trailing numbers by unit', () => {
    const line = '10.0.0.1 - - [01/Dec/2026:10:22:56 +0000] "POST /api HTTP/1.1" 503 12 "-" "curl/8" "1.2.3.4" rt=0.045 uct="0.001" status=999';
    const p = parseAccessLine(line, {}, 'x', 'auto');
    expect(p).to.deep.include({ level: 'ERROR', latencyMs: 45 });
    expect(p?.fields).to.include({ forwarded_for: '1.2.3.4', rt: 0.045, uct: 0.001, status: 503 });
    const base = '10.0.0.1 - - [01/Dec/2026:10:22:56 +0000] "GET / HTTP/1.1" 200 1 "-" "ua"';
    expect(parseAccessLine(`${base} 0.120`, {}, 'x', 'seconds')?.latencyMs).to.equal(120);
    expect(parseAccessLine(`${base} 1500`, {}, 'x', 'microseconds')?.latencyMs).to.equal(1.5);
    expect(parseAccessLine(`${base} 1500`, {}, 'x', 'auto')?.fields.trailing_number).to.equal(1500);
  });

  it('rejects other lines', () => {
    expect(parseAccessLine('hello world', {}, 'x', 'auto')).to.equal(undefined);
    expect(parseAccessLine('a b c [01/Foo/2026:10:22:56 +0000] "GET / HTTP/1.1" 200 1', {}, 'x', 'auto')).to.equal(undefined);
  });

  it('keeps extras named like Object members (`__proto__`, `constructor`) as fields', () => {
    const p = parseAccessLine('10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "curl" __proto__=x constructor=y', {}, 'x', 'auto');
    expect(Object.getOwnPropertyDescriptor(p?.fields, '__proto__')?.value).to.equal('x');
    expect(Object.getOwnPropertyDescriptor(p?.fields, 'constructor')?.value).to.equal('y');
  });
});
