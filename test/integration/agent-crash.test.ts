import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkExactlyOnceById, collectTopic, createTopic, deleteTopics, KAFKA_BROKERS, startTestRegistry, uniqueName, waitFor, type TestRegistry, type TopicCollector } from './agent-harness.js';

const FIRST = 60_000;
const SECOND = 20_000;

function lineOf(i: number): string {
  return `2026-12-01T10:00:00.000Z WARN crash-test line ${String(i).padStart(6, '0')} ${'y'.repeat(i % 50)}`;
}

/** Starts the agent fixture as a child process; resolves once it printed READY. */
async function startChild(configPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/agent-entry.ts', configPath], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SAWMILL_LOG_LEVEL: 'warn' } });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent child did not start in 30 s: ${stderr}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`agent child exited with ${code}: ${stderr}`));
    });
  });
  return child;
}

describe('agent: kill -9 mid-file and restart (real Kafka, child process)', function () {
  this.timeout(180_000);
  const topic = uniqueName('it-agent-crash');
  let registry: TestRegistry;
  let collector: TopicCollector;
  let dir: string;
  let child: ChildProcess | undefined;

  before(async () => {
    registry = await startTestRegistry();
    await createTopic(topic, 3);
    collector = await collectTopic(topic, registry.client);
    dir = await mkdtemp(join(tmpdir(), 'agent-crash-'));
  });

  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await collector?.stop();
    await registry?.close();
    await deleteTopics([topic]);
    await rm(dir, { recursive: true, force: true });
  });

  it('loses no line and gives no line two ids; resent lines keep their event id', async () => {
    const logs = join(dir, 'logs');
    await mkdir(logs);
    const log = join(logs, 'app.log');
    const configPath = join(dir, 'agent.yaml');
    // JSON is YAML: the loader reads it as is.
    await writeFile(
      configPath,
      JSON.stringify({
        agentId: 'it-crash',
        host: 'it-host',
        sources: [{ type: 'file', id: 'app', include: [`${logs}/*.log`], pollIntervalMs: 50, scanIntervalMs: 200, labels: { service: 'crash' } }],
        kafka: { brokers: KAFKA_BROKERS, topic, lingerMs: 5, batchMaxRecords: 500 },
        registry: { url: registry.url },
        spool: { dir: join(dir, 'spool') },
        checkpointPath: join(dir, 'checkpoint.json'),
        metricsPort: 0,
      }),
    );
    const expected: string[] = [];
    const chunk: string[] = [];
    for (let i = 0; i < FIRST; i += 1) chunk.push(lineOf(i));
    expected.push(...chunk);
    await appendFile(log, `${chunk.join('\n')}\n`);

    child = await startChild(configPath);
    await waitFor('the first lines in Kafka', () => collector.events.length >= 5000, { timeoutMs: 60_000, intervalMs: 20 });
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    const atKill = new Set(collector.events.map((e) => e.line)).size;
    expect(atKill, 'the kill must land mid-file').to.be.lessThan(FIRST);

    const more: string[] = [];
    for (let i = FIRST; i < FIRST + SECOND; i += 1) more.push(lineOf(i));
    expected.push(...more);
    await appendFile(log, `${more.join('\n')}\n`);

    child = await startChild(configPath);
    await waitFor(`${FIRST + SECOND} distinct lines`, () => new Set(collector.events.map((e) => e.line)).size >= FIRST + SECOND, { timeoutMs: 90_000, intervalMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child?.once('exit', resolve));
    expect(code, 'graceful stop exit code').to.equal(0);

    const result = checkExactlyOnceById(collector.events, expected);
    const multiId = [...result.idsPerLine.entries()].filter(([, ids]) => ids.size > 1);
    console.log(`      killed with ${atKill} of ${FIRST} lines in Kafka; records received ${collector.events.length}; resends after kill -9: ${result.resends}`);
    expect(result.missing, 'missing lines').to.deep.equal([]);
    expect(result.unexpected).to.deep.equal([]);
    expect(multiId.length, 'lines carrying two different event ids').to.equal(0);
    expect(collector.ids().size).to.equal(FIRST + SECOND);
  });
});
