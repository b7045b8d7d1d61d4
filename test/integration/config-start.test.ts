/**
 * Acceptance: "a config file with an unknown key or a wrong type fails at start with a
 * message naming the key, the file and the expected type". It runs real processes: the
 * `sawmill` CLI itself for the commands that exist, and the fixture entry
 * test/fixtures/config-start-entry.ts for the loader's finer cases on a nested schema.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRY = join(repoRoot, 'test/fixtures/config-start-entry.ts');
const CLI = join(repoRoot, 'bin/sawmill.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(configFile: string, env: Record<string, string> = {}): Promise<Run> {
  return run([ENTRY, configFile], env);
}

function run(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Only the variables we set: a developer's SAWMILL_FIXTURE__* must not leak in.
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Gives the enclosing suite a fresh temporary directory; returns a function writing a file in it. */
function useConfigDir(prefix: string): (name: string, content: string) => string {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return (name, content) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };
}

describe('acceptance: a bad config file fails at start, naming key, file and expected type', function () {
  this.timeout(60_000);
  const write = useConfigDir('sawmill-config-start-');

  it('starts with a valid file (the harness itself works)', async () => {
    const file = write('valid.yaml', 'server:\n  port: 8080\nkafka:\n  brokers: [127.0.0.1:9092]\n');
    const run = await start(file);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.equal({ server: { host: '127.0.0.1', port: 8080 }, kafka: { brokers: ['127.0.0.1:9092'] } });
  });

  it('(a) unknown key: exits 1 naming the key, the file and the expected keys', async () => {
    const file = write('unknown-key.yaml', 'server:\n  port: 8080\n  hots: 0.0.0.0\nkafka:\n  brokers: [127.0.0.1:9092]\n');
    const run = await start(file);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.equal('');
    expect(run.stderr).to.equal(
      `config error in ${file} at "server.hots": unknown key "hots", did you mean "host"? (expected one of: host, port)\n`,
    );
  });

  it('(b) wrong type: exits 1 naming the key, the file, the expected type and the received value', async () => {
    const file = write('wrong-type.yaml', 'server:\n  port: eighty\nkafka:\n  brokers: [127.0.0.1:9092]\n');
    const run = await start(file);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.equal(`config error in ${file} at "server.port": expected number, received string ("eighty")\n`);
  });

  it('(b2) several problems at once: one line each, all reported', async () => {
    const file = write('several.yaml', 'server:\n  port: "8080"\nkafka:\n  brokers: [1, 127.0.0.1:9092]\nextra: true\n');
    const run = await start(file);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr.trimEnd().split('\n')).to.deep.equal([
      `config error in ${file} at "server.port": expected number, received string ("8080")`,
      `config error in ${file} at "kafka.brokers[0]": expected string, received number (1)`,
      `config error in ${file} at "extra": unknown key "extra" (expected one of: server, kafka)`,
    ]);
  });

  it('(c) YAML syntax error: exits 1 naming the file, line and column', async () => {
    const file = write('syntax.yaml', 'server:\n  port: 8080\nkafka:\n  brokers: [127.0.0.1:9092\n');
    const run = await start(file);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.match(new RegExp(`^config error in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at line 5, column 1: YAML syntax error: .+\\n$`));
  });

  it('names the environment variable when the bad value came from the environment', async () => {
    const file = write('env.yaml', 'server:\n  port: 8080\nkafka:\n  brokers: [127.0.0.1:9092]\n');
    const run = await start(file, { SAWMILL_FIXTURE__SERVER__PORT: 'eighty', SAWMILL_FIXTURE__SERVER__HOTS: 'x' });
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.include('config error in SAWMILL_FIXTURE__SERVER__HOTS at "server.HOTS": unknown key "HOTS"');
    expect(run.stderr).to.include('config error in SAWMILL_FIXTURE__SERVER__PORT at "server.port": expected number, received string ("eighty")');
  });

  it('fails on a config file that does not exist', async () => {
    const file = join(dirname(write('present.yaml', '')), 'missing.yaml');
    const run = await start(file);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.equal(`config error in ${file}: file not found\n`);
  });
});

describe('acceptance: the sawmill CLI refuses a bad config file at start', function () {
  this.timeout(60_000);
  const write = useConfigDir('sawmill-cli-config-');

  it('sawmill registry: a wrong type exits 1 naming the key, the file and the expected type', async () => {
    const file = write('registry.yaml', 'port: eighty\n');
    const result = await run([CLI, 'registry', '--config', file]);
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.equal(`sawmill registry: config error in ${file} at "port": expected number, received string ("eighty")\n`);
  });

  it('sawmill demo: an unknown nested key exits 1 naming the key, the file and the keys expected there', async () => {
    const file = write('demo.yaml', 'dir: /tmp/x\nkafka:\n  brokers: [127.0.0.1:9092]\n  topik: logs.raw\n');
    const result = await run([CLI, 'demo', '--config', file]);
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.equal(
      `sawmill demo: config error in ${file} at "kafka.topik": unknown key "topik", did you mean "topic"? (expected one of: brokers, topic)\n`,
    );
  });

  it('sawmill topics reconcile: a bad environment variable is named as the source', async () => {
    const result = await run([CLI, 'topics', 'reconcile'], { SAWMILL_TOPICS__BROKERS: 'not a broker' });
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.match(/^sawmill topics: config error in SAWMILL_TOPICS__BROKERS at "brokers\[0\]": .*host:port/);
  });
});
