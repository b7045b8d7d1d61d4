/**
 * Poison and hostile records through the PostgreSQL sink (runners in-process, real Kafka and
 * PostgreSQL): undecodable bytes, unknown schema ids, tombstones and events the store must refuse
 * go to the dead-letter topic with their reason and origin while the sink keeps going; NUL
 * characters, huge strings and far-away timestamps are stored (cleaned, capped, in DEFAULT).
 * Then `sawmill dlq list` shows them and `dlq replay` re-injects a fixed letter idempotently.
 * Also: malformed configs are refused with the key named.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { createLogger } from '../../lib/logger.js';
import { DLQ_HEADERS } from '../../topology/internal/bad-record-handling.js';
import { listDeadLetters, replayDeadLetters, scanTopic } from '../../sinks/runner/dead-letters.js';
import { postgresSinkCommandConfigSchema, startSinkRunners } from '../../sinks/runner/sink-catalog.js';
import type { SinkRunner } from '../../sinks/runner/sink-runner.js';
import { waitFor } from '../support/wait-for.js';
import {
  createDatabase,
  createTopics,
  deleteTopics,
  dropDatabase,
  enrichedEvent,
  enrichedSerde,
  KAFKA_BROKERS,
  produceRaw,
  queryOnce,
  REGISTRY_URL,
  testKafka,
  topicSize,
  uniqueName,
  type RawRecord,
} from './sink-test-kit.js';

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/sawmill.ts', ...args], { cwd: process.cwd(), env: { ...process.env, SAWMILL_LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sink postgres: poison records, hostile values, dead letters', function () {
  this.timeout(3 * 60_000);
  const run = uniqueName('it_sink_pg_poison');
  const topic = `${run}.logs`;
  const deadLetterTopic = `${run}.dlq`;
  const database = `${run}_pg`;
  const dir = mkdtempSync(join(tmpdir(), 'sink-poison-'));
  let url: string;
  let runners: SinkRunner[] = [];

  before(async () => {
    await createTopics({ [topic]: 1, [deadLetterTopic]: 1 });
    url = await createDatabase(database);
    const config = postgresSinkCommandConfigSchema.parse({
      postgres: { url, topics: { logs: topic, stats: null, alerts: null }, poolMax: 2 },
      kafka: { brokers: KAFKA_BROKERS, groupId: `${run}-group`, deadLetterTopic, sessionTimeoutMs: 10_000 },
      registry: { url: REGISTRY_URL },
      batch: { maxRecords: 50, maxWaitMs: 50 },
      health: { port: 0 },
    });
    runners = await startSinkRunners({ name: 'postgres', config, logger: createLogger('sink-it', { level: 'error' }), registry: new Registry() });
  });

  after(async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
    await dropDatabase(database);
    await deleteTopics([topic, deadLetterTopic]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('dead-letters poison with reasons, stores hostile-but-valid values, keeps going', async () => {
    const serde = await enrichedSerde(topic);
    const good = (i: number): RawRecord => ({ key: 'svc', value: serde.serialize(topic, enrichedEvent(run, i)) });
    const withEvent = (patch: Partial<ReturnType<typeof enrichedEvent>>, i: number): RawRecord => ({ key: 'svc', value: serde.serialize(topic, { ...enrichedEvent(run, i), ...patch }) });
    const unknownSchema = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x00]), Buffer.from('body')]);
    const records: RawRecord[] = [
      ...Array.from({ length: 20 }, (_, i) => good(i)),
      { key: 'bad', value: Buffer.from('this is not avro'), headers: { 'x-origin': 'test' } }, // 20
      { key: 'bad', value: unknownSchema }, // 21
      { key: 'bad', value: null }, // 22
      withEvent({ eventId: '' }, 1000), // 23
      withEvent({ eventId: 'x'.repeat(600) }, 1001), // 24
      withEvent({ timestampMs: 9e15 }, 1002), // 25
      withEvent({ host: 'h\u0000st', service: 'svc\u0000nul', message: 'a\u0000b', patternId: 'p\u0000', traceId: 't\u0000' }, 2000), // 26 stored
      withEvent({ service: 's'.repeat(100_000), message: 'm'.repeat(300_000), line: 'l'.repeat(300_000) }, 2001), // 27 stored
      withEvent({ timestampMs: Date.UTC(2200, 0, 1) }, 2002), // 28 stored in DEFAULT
      ...Array.from({ length: 20 }, (_, i) => good(100 + i)),
    ];
    await produceRaw(topic, records, 10);

    const expectedRows = 20 + 3 + 20;
    await waitFor('every good row stored and 6 dead letters', async () => {
      const [row] = await queryOnce<{ n: string }>(url, 'SELECT count(*) AS n FROM log_events');
      return Number(row!.n) === expectedRows && (await topicSize(deadLetterTopic)) === 6;
    }, { timeoutMs: 60_000, intervalMs: 200 });

    const letters: KafkaMessage[] = [];
    await scanTopic(testKafka(), deadLetterTopic, (_partition, message) => void letters.push(message));
    const header = (m: KafkaMessage, name: string): string => String(m.headers?.[name]);
    expect(letters.map((m) => header(m, DLQ_HEADERS.sourceOffset))).to.deep.equal(['20', '21', '22', '23', '24', '25']);
    const reasons = letters.map((m) => header(m, DLQ_HEADERS.reason));
    expect(reasons[0]).to.match(/^undecodable value: .*magic byte|^undecodable value: /);
    expect(reasons[1]).to.match(/unknown schema id 2147483392/);
    expect(reasons[2]).to.equal('null value (tombstone): nothing to store');
    expect(reasons[3]).to.match(/^rejected by postgres-logs: event id is empty/);
    expect(reasons[4]).to.match(/^rejected by postgres-logs: event id is empty, longer than 512/);
    expect(reasons[5]).to.equal('rejected by postgres-logs: timestampMs 9000000000000000 is not a representable timestamp');
    for (const m of letters) {
      expect(header(m, DLQ_HEADERS.sourceTopic)).to.equal(topic);
      expect(header(m, DLQ_HEADERS.processor)).to.equal('sink-postgres-logs');
    }
    // Original bytes and headers travel with the letter.
    expect(letters[0]!.value?.toString()).to.equal('this is not avro');
    expect(header(letters[0]!, 'x-origin')).to.equal('test');
    expect(letters[2]!.value).to.equal(null);

    const [nul] = await queryOnce<{ host: string; service: string; trace_id: string }>(url, 'SELECT host, service, trace_id FROM log_events WHERE event_id = $1', [`${run}-2000`]);
    expect(nul).to.deep.equal({ host: 'h\uFFFDst', service: 'svc\uFFFDnul', trace_id: 't\uFFFD' });
    const [huge] = await queryOnce<{ len: number }>(url, 'SELECT length(service) AS len FROM log_events WHERE event_id = $1', [`${run}-2001`]);
    expect(huge!.len).to.equal(512);
    const [future] = await queryOnce<{ part: string }>(url, 'SELECT tableoid::regclass::text AS part FROM log_events WHERE event_id = $1', [`${run}-2002`]);
    expect(future!.part).to.equal('log_events_default');
    const stats = runners[0]!.stats();
    expect(stats.deadLettered).to.equal(6);
    expect(stats.stored).to.equal(expectedRows);
  });

  it('sawmill dlq list shows the newest letters with their reasons', async () => {
    const result = await runCli(['dlq', 'list', '--topic', deadLetterTopic, '--limit', '2'], { SAWMILL_DLQ__KAFKA__BROKERS: KAFKA_BROKERS.join(',') });
    expect(result.code, result.stderr).to.equal(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { reason: string; sourceTopic: string; sourceOffset: string });
    expect(lines).to.have.length(2);
    for (const line of lines) expect(line.sourceTopic).to.equal(topic);
    expect(lines.map((line) => line.reason).join('\n')).to.match(/rejected by postgres-logs/);
    const bad = await runCli(['dlq', 'list', '--topic', deadLetterTopic, '--limit', '-3']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/--limit "-3" must be a positive integer/);
  });

  it('sawmill dlq replay re-injects a fixed letter once into its source topic; replaying again adds no row', async () => {
    const serde = await enrichedSerde(topic);
    const fixed = enrichedEvent(run, 5000);
    await produceRaw(deadLetterTopic, [{
      key: 'svc',
      value: serde.serialize(topic, fixed),
      headers: { [DLQ_HEADERS.reason]: 'store misconfigured (test)', [DLQ_HEADERS.sourceTopic]: topic, [DLQ_HEADERS.timestamp]: String(fixed.timestampMs) },
    }]);
    const logger = createLogger('dlq-it', { level: 'error' });
    for (let round = 1; round <= 2; round += 1) {
      const summary = await replayDeadLetters({ kafka: testKafka(), topic: deadLetterTopic, reason: 'store misconfigured', logger });
      expect(summary).to.deep.equal({ scanned: 7, matched: 1, replayed: 1, skipped: 0, byTopic: { [topic]: 1 } });
      await waitFor('the replayed event is consumed', async () => runners[0]!.stats().stored + runners[0]!.stats().duplicates === 43 + round, { timeoutMs: 30_000 });
      const [row] = await queryOnce<{ n: string }>(url, 'SELECT count(*) AS n FROM log_events WHERE event_id = $1', [fixed.eventId]);
      expect(Number(row!.n)).to.equal(1);
    }
    expect(runners[0]!.stats().duplicates).to.equal(1);
    // --since in the future matches nothing.
    const none = await replayDeadLetters({ kafka: testKafka(), topic: deadLetterTopic, sinceMs: Date.now() + 86_400_000, logger });
    expect(none.matched).to.equal(0);
    const listed = await listDeadLetters({ kafka: testKafka(), topic: deadLetterTopic, limit: 100 });
    expect(listed).to.have.length(7);
  });

  it('refuses malformed configs and unknown sinks with the key named', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'postgres:\n  url: mysql://x\n  retentionDays: 0\n  bogus: 1\nbatch:\n  maxRecords: -5\n');
    const result = await runCli(['sink', 'postgres', '--config', file]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('"postgres.url"');
    expect(result.stderr).to.include('"postgres.retentionDays"');
    expect(result.stderr).to.include('unknown key "bogus"');
    expect(result.stderr).to.include('"batch.maxRecords"');
    const unknown = await runCli(['sink', 'nosuch']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('unknown sink "nosuch"');
  });
});
