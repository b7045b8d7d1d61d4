import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventId } from '../../agent/tail/event-id.js';
import { patternIdOf } from '../../processors/enrich/pattern-id.js';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function sawmill(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'bin/sawmill.ts'), ...args], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function events(stdout: string): EnrichedLogEvent[] {
  return stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as EnrichedLogEvent);
}

describe('sawmill parse', function () {
  this.timeout(60_000);
  let dir: string;
  const file = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sawmill-parse-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one enriched event per line, auto-detecting each format', async () => {
    const lines = [
      '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating',
      '{"ts":"2026-11-30T10:00:00Z","level":"error","msg":"payment failed, took 1.5s","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}',
      'ts=2026-11-30T10:00:01Z level=warn msg="slow query" duration=250ms',
      'no structure at all',
    ];
    const path = file('mixed.log', `${lines.join('\n')}\n`);
    const result = await sawmill('parse', path);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.equal('');
    const out = events(result.stdout);
    expect(out.map((e) => [e.format, e.level, e.timestampSource, e.latencyMs, e.traceId])).to.deep.equal([
      ['hdfs', 'INFO', 'LINE', null, null],
      ['json', 'ERROR', 'LINE', 1500, '4bf92f3577b34da6a3ce929d0e0e4736'],
      ['logfmt', 'WARN', 'LINE', 250, null],
      ['plain', 'UNKNOWN', 'OBSERVED', null, null],
    ]);
    const first = out[0]!;
    expect([first.timestampMs, first.message, first.pattern, first.patternId, first.sourcePath, first.sourceOffset, first.agentId, first.line]).to.deep.equal([
      Date.UTC(2008, 10, 9, 20, 36, 15), 'PacketResponder 1 for block blk_38865049064139660 terminating', 'PacketResponder <num> for block blk_<*> terminating',
      patternIdOf('PacketResponder <num> for block blk_<*> terminating'), path, 0, 'sawmill-parse', lines[0],
    ]);
    // Event ids are the agent's: stable for a file, from the byte offset of each line.
    expect(out[1]!.sourceOffset).to.equal(Buffer.byteLength(lines[0]!) + 1);
    expect(out.map((e) => e.eventId)).to.deep.equal(out.map((e) => eventId('sawmill-parse', `file:${path}`, e.sourceOffset ?? -1)));
  });

  it('applies --format, --timezone and --year', async () => {
    const syslog = file('syslog.log', 'Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster\n');
    const withYear = events((await sawmill('parse', '--year', '2005', syslog)).stdout);
    expect([withYear[0]!.timestampMs, withYear[0]!.host, withYear[0]!.service]).to.deep.equal([Date.UTC(2005, 11, 10, 6, 55, 46), 'LabSZ', 'sshd']);
    const inParis = events((await sawmill('parse', '--year', '2005', '--timezone', 'Europe/Paris', syslog)).stdout);
    expect(inParis[0]!.timestampMs).to.equal(Date.UTC(2005, 11, 10, 5, 55, 46));
    const forcedJson = events((await sawmill('parse', '--format', 'json', syslog)).stdout);
    expect([forcedJson[0]!.format, forcedJson[0]!.timestampSource]).to.deep.equal(['plain', 'OBSERVED']);
  });

  it('joins stack traces with --multiline java, and with an agent config source', async () => {
    const text = '2026-11-30 10:00:00,000 ERROR [main] App: failed\n\tat com.example.App.run(App.java:12)\n\tat com.example.App.main(App.java:5)\n2026-11-30 10:00:01,000 INFO [main] App: next\n';
    const path = file('trace.log', text);
    const joined = events((await sawmill('parse', '--multiline', 'java', path)).stdout);
    expect(joined.map((e) => [e.level, e.line.split('\n').length, e.pattern])).to.deep.equal([
      ['ERROR', 3, 'failed'],
      ['INFO', 1, 'next'],
    ]);
    const config = file('agent.yaml', ['agentId: box-1', 'host: box', 'sources:', '  - type: stdin', '    id: app', '    multiline: { preset: java }', '    labels: { service: shop, env: prod }', ''].join('\n'));
    const configured = events((await sawmill('parse', '--config', config, '--source', 'app', path)).stdout);
    expect(configured.map((e) => [e.service, e.agentId, e.host, e.labels, e.line.split('\n').length])).to.deep.equal([
      ['shop', 'box-1', 'box', { service: 'shop', env: 'prod' }, 3],
      ['shop', 'box-1', 'box', { service: 'shop', env: 'prod' }, 1],
    ]);
  });

  it('reads standard input with -', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bin/sawmill.ts'), 'parse', '-'], { cwd: repoRoot });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end('{"level":"info","msg":"from stdin 1"}\n');
    const code = await new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
    expect(code).to.equal(0);
    expect(events(stdout).map((e) => [e.sourceKind, e.pattern, e.level])).to.deep.equal([['stdin', 'from stdin <num>', 'INFO']]);
  });

  it('handles hostile lines: huge, control characters, invalid UTF-8, empty file', async () => {
    const huge = `ERROR ${'x'.repeat(1024 * 1024)}`;
    const bytes = Buffer.concat([Buffer.from(`${huge}\nctl\u0000\u001b[31m red\n`), Buffer.from([0xff, 0xfe, 0x41, 0x0a])]);
    const result = await sawmill('parse', file('hostile.log', bytes));
    expect(result.code, result.stderr).to.equal(0);
    const out = events(result.stdout);
    expect(out.map((e) => [e.truncated, e.line.length, e.level])).to.deep.equal([
      [true, 64 * 1024, 'ERROR'],
      [false, 13, 'UNKNOWN'],
      [false, 3, 'UNKNOWN'],
    ]);
    expect(out[1]!.pattern).to.equal('ctl [<num>m red');
    expect(out[2]!.line).to.equal('\ufffd\ufffdA');
    const empty = await sawmill('parse', file('empty.log', ''));
    expect([empty.code, empty.stdout, empty.stderr]).to.deep.equal([0, '', '']);
  });

  it('exits 2 with a clear message on bad arguments', async () => {
    const ok = file('ok.log', 'x\n');
    const cases: Array<[string[], RegExp]> = [
      [['parse', join(dir, 'missing.log')], /^sawmill parse: no such file: .*missing\.log\n$/],
      [['parse', dir], /^sawmill parse: not a regular file: /],
      [['parse', '--format', 'yaml', ok], /^sawmill parse: unknown format "yaml"; one of auto, json, logfmt/],
      [['parse', '--timezone', 'Mars/Base', ok], /^sawmill parse: unknown time zone "Mars\/Base"/],
      [['parse', '--year', '05', ok], /^sawmill parse: --year must be a four-digit year/],
      [['parse', '--multiline', 'python', ok], /^sawmill parse: invalid parser settings at multiline\.preset/],
      [['parse', '--source', 'app', ok], /^sawmill parse: --source needs --config/],
      [['parse', '--config', file('bad.yaml', 'sources: []\nbogus: 1\n'), ok], /^sawmill parse: .*(bogus|sources)/],
      [['parse', '--config', file('one.yaml', 'sources:\n  - { type: stdin, id: a }\n'), '--source', 'b', ok], /^sawmill parse: .*one\.yaml has no source "b"; its sources: a/],
    ];
    for (const [args, message] of cases) {
      const result = await sawmill(...args);
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stdout, args.join(' ')).to.equal('');
      expect(result.stderr, args.join(' ')).to.match(message);
    }
  });
});
