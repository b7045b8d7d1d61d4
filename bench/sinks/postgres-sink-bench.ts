/**
 * PostgreSQL sink benchmark: rows per second of the `log_events` stream of the sink (Kafka →
 * runner → Avro decode → load → commit), with both load methods (COPY into a staging table then
 * INSERT ... ON CONFLICT DO NOTHING; and INSERT ... SELECT FROM unnest ... ON CONFLICT DO NOTHING),
 * next to the limit measured in the same run on the same rows: `psql \copy` of those rows, as
 * a text file, straight into the same partitioned table (no deduplication). Each run gets a fresh
 * database with the sink's migrations and partitions. Prints one JSON object. `<method>` is the
 * whole bounded run (start-up, group join, positioning, writes, stop); `<method>_steady` runs from
 * the first write to the last batch settled.
 *
 *   npx tsx bench/sinks/postgres-sink-bench.ts [--events 200000] [--methods copy,unnest]
 *
 * Environment: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, PG_ADMIN_URL (defaults: the local stack),
 * BENCH_BATCH_RECORDS (runner batch size, default 2000).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/logger.js';
import { topicValueSchema, type EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { postgresSinkConfigSchema } from '../../sinks/postgres/config.js';
import { copyText, toLogRow } from '../../sinks/postgres/log-row.js';
import { createLogEventsWriter, createPostgresStore } from '../../sinks/postgres/index.js';
import { createSinkRunner } from '../../sinks/runner/sink-runner.js';
import { Serdes } from '../../topology/index.js';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '200000' }, methods: { type: 'string', default: 'copy,unnest' } } });
const EVENTS = Number(args.events);
const METHODS = args.methods.split(',').filter((m): m is 'copy' | 'unnest' => m === 'copy' || m === 'unnest');
const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
const PG_ADMIN_URL = process.env['PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BATCH_RECORDS = Number(process.env['BENCH_BATCH_RECORDS'] ?? 2000);
const PARTITIONS = 12;
const logger = createLogger('bench-sink-postgres', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'warn' });

interface Measured {
  rows: number;
  seconds: number;
  rows_per_s: number;
}

function measured(rows: number, ms: number): Measured {
  return { rows, seconds: Number((ms / 1000).toFixed(3)), rows_per_s: Math.round(rows / (ms / 1000)) };
}

function event(run: string, i: number, base: number): EnrichedLogEvent {
  const ts = base - (i % 7200) * 1000;
  return {
    eventId: `${run}-${i.toString(36)}-${randomBytes(4).toString('hex')}`, timestampMs: ts, timestampSource: 'LINE', observedTimestampMs: ts, ingestTimestampMs: ts + 3,
    host: `host-${i % 20}`, service: `svc-${i % 12}`, level: i % 20 === 0 ? 'ERROR' : 'INFO', levelText: null,
    message: `GET /api/items/${i} 200`, line: `2026-12-01 INFO GET /api/items/${i} 200 in ${i % 300}ms`, truncated: false, format: 'plain',
    patternId: (i % 64).toString(16).padStart(16, '0'), pattern: 'GET /api/items/<num> <num>', traceId: i % 3 === 0 ? randomBytes(16).toString('hex') : null,
    spanId: null, latencyMs: i % 300, agentId: 'bench', sourceKind: 'file', sourceId: 'bench', sourcePath: '/var/log/bench.log', streamId: null,
    sourceOffset: i, fields: { method: 'GET' }, labels: { env: 'bench' },
  };
}

async function withAdmin<R>(fn: (client: pg.Client) => Promise<R>): Promise<R> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a database with the sink's tables and partitions; returns its URL. */
async function freshDatabase(name: string): Promise<string> {
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const store = createPostgresStore({ config: postgresSinkConfigSchema.parse({ url: url.toString() }), logger });
  store.retain();
  await store.prepare();
  await store.release();
  return url.toString();
}

async function countRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM log_events')).rows[0]!.n);
  } finally {
    await client.end();
  }
}

function psqlCopy(url: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy log_events (event_id, ts, host, service, level, pattern_id, trace_id, latency_ms, index_name, ingest_ts) FROM '${file}'`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}: ${stderr}`))));
  });
}

const run = `bench_pgsink_${Date.now().toString(36)}`;
const topic = `${run}.logs`;
const kafka = new kafkajs.Kafka({ brokers: BROKERS, clientId: 'bench-sink-postgres', logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const databases: string[] = [];
const file = join(tmpdir(), `${run}.copy`);
try {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  const base = Date.now();
  const events = Array.from({ length: EVENTS }, (_, i) => event(run, i, base));
  const serde = Serdes.Avro<EnrichedLogEvent>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: topicValueSchema('logs.enriched'), topic });
  await serde.init?.();
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  for (let start = 0; start < EVENTS; start += 5000) {
    await producer.send({ topic, acks: -1, messages: events.slice(start, start + 5000).map((e) => ({ key: e.service, value: serde.serialize(topic, e) })) });
  }
  await producer.disconnect();

  const sink: Record<string, Measured> = {};
  for (const method of METHODS) {
    const name = `${run}_${method}`;
    databases.push(name);
    const url = await freshDatabase(name);
    const store = createPostgresStore({ config: postgresSinkConfigSchema.parse({ url, loadMethod: method, runMigrations: false }), logger });
    const started = performance.now();
    const metrics = new Registry();
    // The first write marks the end of start-up (group join, start position): the steady-state rate is measured from there.
    const writer = createLogEventsWriter({ store, logger });
    let firstWrite: number | undefined;
    const write = writer.write.bind(writer);
    writer.write = (records) => {
      firstWrite ??= performance.now();
      return write(records);
    };
    const runner = await createSinkRunner<EnrichedLogEvent>({
      writer,
      kafka: createKafka({ brokers: BROKERS, clientId: 'bench-sink-postgres', logger }),
      topics: [topic],
      decoder: Serdes.Avro<EnrichedLogEvent>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: topicValueSchema('logs.enriched'), topic }),
      logger,
      groupId: `${name}-group`,
      startFrom: 'earliest',
      bounded: true,
      deadLetterTopic: `${run}.dlq-unused`,
      batch: { maxRecords: BATCH_RECORDS },
      // As `sawmill sink postgres` runs it.
      maxInFlightBatches: 2,
      registry: metrics,
      lagIntervalMs: 0,
    });
    const stats = await runner.done;
    const lastSettled = performance.now();
    if (process.env['BENCH_DEBUG'] !== undefined) {
      const text = await metrics.metrics();
      process.stderr.write(`${text.split('\n').filter((line) => /_(sum|count)[{ ]/.test(line)).join('\n')}\n`);
    }
    const elapsed = performance.now() - started;
    const rows = await countRows(url);
    if (rows !== EVENTS || stats.deadLettered !== 0) throw new Error(`sink (${method}) stored ${rows} rows, dead-lettered ${stats.deadLettered}; expected ${EVENTS} and 0`);
    sink[method] = measured(rows, elapsed);
    sink[`${method}_steady`] = measured(rows, lastSettled - (firstWrite ?? started));
  }

  // The limit: the same rows as COPY text, loaded by psql into the same table shape.
  await writeFile(file, copyText(events.map((e) => toLogRow(e, 'sawmill-logs'))));
  const baselineDb = `${run}_psql`;
  databases.push(baselineDb);
  const baselineUrl = await freshDatabase(baselineDb);
  const started = performance.now();
  await psqlCopy(baselineUrl, file);
  const psql = measured(await countRows(baselineUrl), performance.now() - started);

  const ratios = Object.fromEntries(Object.entries(sink).map(([method, m]) => [`sink_${method}_vs_psql_copy`, Number((m.rows_per_s / psql.rows_per_s).toFixed(3))]));
  process.stdout.write(`${JSON.stringify({ bench: 'postgres-sink', events: EVENTS, partitions: PARTITIONS, batch_records: BATCH_RECORDS, sink, psql_copy: psql, ratios }, null, 2)}\n`);
} finally {
  await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => undefined);
  await admin.disconnect();
  await rm(file, { force: true });
  for (const name of databases) await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
}
