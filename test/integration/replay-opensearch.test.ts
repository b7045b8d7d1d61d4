// `sawmill replay --sink opensearch` as a child process on the real Kafka, registry and OpenSearch:
// a deleted daily index is rebuilt to the same document count (the others answer duplicate), the
// temporary consumer group is deleted afterwards, a replay from a time restores only what Kafka
// received since then, and a malformed --from fails before anything runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { sampleEvent } from '../../sinks/opensearch/sample-event.js';
import { waitFor } from '../support/wait-for.js';
import {
  countDocs,
  createSinkTestContext,
  KAFKA_BROKERS,
  OPENSEARCH_URL,
  produceEvents,
  REGISTRY_URL,
  startOpenSearchRunner,
  storedIds,
  type SinkTestContext,
} from './sink-opensearch-harness.js';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/sawmill.ts', ...args], { cwd: process.cwd(), env: { ...process.env, SAWMILL_LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Summary {
  sink: string;
  groups: Array<{ groupId: string; stats: { consumed: number; stored: number; duplicates: number; deadLettered: number } }>;
}

/** The JSON summary: the last stdout line that parses as one. */
function summaryOf(result: CliResult): Summary {
  const line = result.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{"sink"'));
  if (line === undefined) throw new Error(`no summary (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(line) as Summary;
}

async function indexCounts(ctx: SinkTestContext): Promise<Record<string, number>> {
  await ctx.client.indices.refresh({ index: `${ctx.indexPrefix}-*` });
  const { body } = await ctx.client.cat.indices({ index: `${ctx.indexPrefix}-*`, format: 'json', h: ['index', 'docs.count'] });
  const rows = body as Array<{ index: string; 'docs.count': string }>;
  return Object.fromEntries(rows.map((row) => [row.index, Number(row['docs.count'])]).sort());
}

describe('sawmill replay --sink opensearch (real Kafka + OpenSearch)', function () {
  this.timeout(240_000);
  let ctx: SinkTestContext;
  let dir: string;
  let configPath: string;
  const phaseA = Array.from({ length: 3000 }, (_, i) => sampleEvent(i, { timestampMs: Date.UTC(2026, 0, 2 + (i % 2), 10) + i }));
  const phaseB = Array.from({ length: 2000 }, (_, i) => sampleEvent(50_000 + i, { timestampMs: Date.UTC(2026, 0, 4, 10) + i }));
  let boundary = 0;

  before(async () => {
    ctx = await createSinkTestContext('replay');
    dir = mkdtempSync(join(tmpdir(), 'sawmill-replay-'));
    configPath = join(dir, 'sink-opensearch.yaml');
    writeFileSync(
      configPath,
      stringify({
        opensearch: { url: OPENSEARCH_URL, indexPrefix: ctx.indexPrefix, retentionDays: 3650 },
        topic: ctx.topic,
        kafka: { brokers: KAFKA_BROKERS, deadLetterTopic: ctx.dlqTopic, lagIntervalMs: 0 },
        registry: { url: REGISTRY_URL },
        health: { port: 0 },
      }),
    );
    await produceEvents(ctx, phaseA);
    // Kafka timestamps are the producer's clock: everything of phase B is at or after this instant.
    await new Promise((resolve) => setTimeout(resolve, 20));
    boundary = Date.now();
    await produceEvents(ctx, phaseB);
    // The live projection: the sink itself stores everything once.
    const { runner } = await startOpenSearchRunner(ctx);
    await waitFor('5000 documents stored by the live sink', async () => (await countDocs(ctx)) === 5000, { timeoutMs: 90_000, intervalMs: 250 });
    await runner.stop();
  });
  after(async () => {
    await ctx.cleanUp();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds a deleted daily index to the same document count and deletes its temporary group', async () => {
    const before = await indexCounts(ctx);
    const victim = `${ctx.indexPrefix}-2026.01.02`;
    expect(before).to.deep.equal({ [victim]: 1500, [`${ctx.indexPrefix}-2026.01.03`]: 1500, [`${ctx.indexPrefix}-2026.01.04`]: 2000 });
    await ctx.client.indices.delete({ index: victim });

    const result = await runCli(['replay', '--sink', 'opensearch', '--from', 'earliest', '--config', configPath]);
    expect(result.code, result.stderr).to.equal(0);
    const summary = summaryOf(result);
    expect(summary.groups).to.have.length(1);
    expect(summary.groups[0]?.stats).to.include({ consumed: 5000, stored: 1500, duplicates: 3500, deadLettered: 0 });
    expect(await indexCounts(ctx)).to.deep.equal(before);
    const ids = await storedIds(ctx);
    expect(ids.size).to.equal(5000);
    for (const event of [...phaseA, ...phaseB]) expect(ids.has(event.eventId), event.eventId).to.equal(true);

    const groupId = summary.groups[0]?.groupId as string;
    expect(groupId).to.match(/^sawmill-replay-opensearch-\d{8}T\d{6}-[0-9a-f]{6}$/);
    const { groups } = await ctx.admin.listGroups();
    expect(groups.map((g) => g.groupId)).not.to.include(groupId);
  });

  it('from a time, replays only what Kafka received since then', async () => {
    await ctx.client.indices.delete({ index: `${ctx.indexPrefix}-*` });
    expect(await countDocs(ctx)).to.equal(0);
    const result = await runCli(['replay', '--sink', 'opensearch', '--from', new Date(boundary).toISOString(), '--config', configPath]);
    expect(result.code, result.stderr).to.equal(0);
    expect(summaryOf(result).groups[0]?.stats).to.include({ consumed: 2000, stored: 2000, duplicates: 0 });
    const ids = await storedIds(ctx);
    expect([...ids].sort()).to.deep.equal(phaseB.map((e) => e.eventId).sort());
  });

  it('refuses a malformed --from or an unknown sink before connecting to anything', async () => {
    const bad = await runCli(['replay', '--sink', 'opensearch', '--from', '2026-01-02T10:00:00', '--config', configPath]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/--from time "2026-01-02T10:00:00" has no zone/);
    const unknown = await runCli(['replay', '--sink', 'elastic', '--from', 'earliest']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.match(/unknown sink "elastic"; expected one of postgres, opensearch/);
  });
});
