/**
 * The stack the dashboard's browser tests run against: a real `sawmill api` (the api-*.test.ts
 * harness: own database with every migration, own Redis and OpenSearch prefixes, own key pair) with
 * the live tail reading a Kafka topic of its own, the built dashboard served at `/` of the same
 * origin, data written through the real sink writers (OpenSearch logs; PostgreSQL log rows, window
 * stats and alerts), and Debian's chromium driven by playwright-core.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import express from 'express';
import type { Admin, Producer } from 'kafkajs';
import { chromium, type Browser } from 'playwright-core';
import { pino } from 'pino';
import { createParser } from '../../agent/parsers/index.js';
import { serveDashboard } from '../../dashboard/serve-dashboard.js';
import { createKafka } from '../../lib/kafka/client.js';
import { topicValueSchema, type AlertEvent, type EnrichedLogEvent, type LogLevel, type WindowedStat } from '../../schemas/log-schemas.js';
import { createOpenSearchSink, openSearchSinkConfigSchema, type OpenSearchSink } from '../../sinks/opensearch/index.js';
import { sampleEvent } from '../../sinks/opensearch/sample-event.js';
import { createAlertsWriter } from '../../sinks/postgres/alerts-writer.js';
import { postgresSinkConfigSchema } from '../../sinks/postgres/config.js';
import { createLogEventsWriter } from '../../sinks/postgres/log-events-writer.js';
import { createPostgresStore, type PostgresStore } from '../../sinks/postgres/postgres-store.js';
import { createStatsWriter } from '../../sinks/postgres/stats-writer.js';
import type { SinkRecord, SinkWriter } from '../../sinks/runner/sink-writer.js';
import { deadLetterRecord } from '../../topology/internal/bad-record-handling.js';
import { AvroSerde } from '../../topology/internal/serdes/avro-serde.js';
import type { ApiServer } from '../../api/server.js';
import { createApiTestEnv, KAFKA_BROKERS, REGISTRY_URL, type ApiTestEnv } from '../integration/api-harness.js';
import { LOGHUB_DIR } from '../support/loghub-ground-truth.js';
import { createTestTopics } from '../support/create-test-topics.js';

/** Where chromium is; CHROMIUM_PATH overrides (infra/local/install-chromium installs Debian's package there). */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** The loghub samples, read in place. */
export { LOGHUB_DIR };
/** Screenshots go here (ignored by git). */
export const ARTIFACTS_DIR = join(import.meta.dirname, 'artifacts');
/** The two widths every screenshot is taken at. */
export const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

const logger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
const WINDOW_MS = 60_000;

/** A loghub line and the event made of it, with the lines before and after it in the file. */
export interface KnownLine {
  /** The raw line from the file. */
  readonly raw: string;
  /** A word of it unique enough to search for (the HDFS block id). */
  readonly term: string;
  readonly event: EnrichedLogEvent;
  /** The previous and the next line of the file, as events of the same stream. */
  readonly neighbours: readonly [EnrichedLogEvent, EnrichedLogEvent];
}

/**
 * Reads the first HDFS line with a positive block id (and the lines around it) from LOGHUB_DIR and
 * turns each into an enriched event of one stream, parsed by the agent's own parser, with its byte
 * offset in the file as sourceOffset; the known line is at `atMs`, its neighbours a second apart.
 */
export function knownLoghubLine(atMs: number): KnownLine {
  const file = join(LOGHUB_DIR, 'HDFS', 'HDFS_2k.log');
  if (!existsSync(file)) throw new Error(`loghub sample ${file} is missing: run infra/local/fetch-loghub or set LOGHUB_DIR`);
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((line, i) => i > 0 && /blk_\d+/.test(line));
  if (at < 0 || at + 1 >= lines.length) throw new Error(`${file} has no line with a block id between two others`);
  const raw = lines[at]!;
  const term = /blk_\d+/.exec(raw)![0];
  const parser = createParser({ format: 'auto' });
  const run = randomBytes(4).toString('hex');
  const offsetOf = (index: number): number => Buffer.byteLength(lines.slice(0, index).map((l) => `${l}\n`).join(''));
  const toEvent = (index: number, timestampMs: number): EnrichedLogEvent => {
    const parsed = parser.parse(lines[index]!, { now: timestampMs });
    const level = (parsed.level ?? 'INFO') as LogLevel;
    return sampleEvent(0, {
      eventId: `loghub-hdfs-${run}-${index}`,
      timestampMs,
      observedTimestampMs: timestampMs + 2,
      ingestTimestampMs: timestampMs + 10,
      host: 'hdfs-datanode-7',
      service: 'hdfs',
      level,
      levelText: parsed.levelText ?? level,
      message: parsed.message,
      line: lines[index]!,
      format: parsed.format,
      patternId: 'hdfs-loghub-sample',
      pattern: parsed.message,
      traceId: null,
      latencyMs: null,
      sourceId: 'hdfs-log',
      sourcePath: file,
      streamId: `hdfs-stream-${run}`,
      sourceOffset: offsetOf(index),
      fields: Object.fromEntries(Object.entries(parsed.fields).map(([k, v]) => [k, String(v)])),
      labels: { dataset: 'loghub' },
    });
  };
  return { raw, term, event: toEvent(at, atMs), neighbours: [toEvent(at - 1, atMs - 1000), toEvent(at + 1, atMs + 1000)] };
}

/** Everything a browser test needs. */
export interface DashboardStack {
  readonly id: string;
  /** Origin of the API and the dashboard. */
  readonly baseUrl: string;
  /** How the dashboard is served: by the API itself, or (until api/app.ts mounts it) by serveDashboard in front of the API app. */
  readonly servedBy: 'api' | 'wrapper';
  readonly env: ApiTestEnv;
  readonly server: ApiServer;
  readonly browser: Browser;
  readonly user: { username: string; password: string };
  /** Indexes events through the OpenSearch sink writer and the PostgreSQL log-events writer. */
  writeLogs(events: readonly EnrichedLogEvent[]): Promise<void>;
  /** Stores window stats through the PostgreSQL stats writer. */
  writeStats(stats: readonly WindowedStat[]): Promise<void>;
  /** Stores alert transitions through the PostgreSQL alerts writer (alert_events and alert_state). */
  writeAlerts(alerts: readonly AlertEvent[]): Promise<void>;
  /** Produces enriched events (Avro via the registry) to the topic the API's live tail reads. */
  produceEnriched(events: readonly EnrichedLogEvent[]): Promise<void>;
  /** Produces a dead letter to the API's dead-letter topic, shaped as the pipeline writes one (original bytes, DLQ headers). */
  produceDeadLetter(origin: { reason: string; sourceTopic: string; sourcePartition: number; sourceOffset: string; processor: string; timestampMs: number; key: string; value: Buffer }): Promise<void>;
  close(): Promise<void>;
}

/** Builds the dashboard (node dashboard/build.mjs), so the tests always run the current sources. */
export async function buildDashboard(): Promise<void> {
  await promisify(execFile)(process.execPath, ['dashboard/build.mjs'], { cwd: process.cwd() });
}

function records<T>(topic: string, values: readonly T[], key: (value: T) => string, time: (value: T) => number): SinkRecord<T>[] {
  return values.map((value, i) => ({ topic, partition: 0, offset: String(i), key: key(value), value, timestampMs: time(value) }));
}

async function writeAll<T>(writer: SinkWriter<T>, batch: SinkRecord<T>[]): Promise<void> {
  const results = await writer.write(batch);
  const bad = results.filter((r) => r.status !== 'stored' && r.status !== 'duplicate');
  if (bad.length > 0) throw new Error(`${writer.name} refused ${bad.length} of ${batch.length} records: ${JSON.stringify(bad[0])}`);
}

/** Starts the whole stack; throws with the reason when chromium is missing or cannot start. */
export async function startDashboardStack(): Promise<DashboardStack> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium not found at ${CHROMIUM_PATH}: run infra/local/install-chromium (Debian's chromium package) or set CHROMIUM_PATH`);
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await buildDashboard();

  const id = randomBytes(4).toString('hex');
  const topic = `browser-tail-${id}`;
  // Own rule and dead-letter topics: rule writes must never reach the shared alert-rules topic.
  const rulesTopic = `browser-rules-${id}`;
  const dlqTopic = `browser-dlq-${id}`;
  const kafka = createKafka({ brokers: KAFKA_BROKERS, clientId: `browser-test-${id}`, logger });
  const admin: Admin = kafka.admin();
  await admin.connect();
  await createTestTopics(admin, [
      { topic, numPartitions: 2 },
      { topic: rulesTopic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: dlqTopic, numPartitions: 1 },
  ]);
  const producer: Producer = kafka.producer();
  await producer.connect();
  const serde = new AvroSerde<EnrichedLogEvent>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: topicValueSchema('logs.enriched'), topic });
  await serde.init();

  const env = await createApiTestEnv();
  const user = { username: 'operator', password: 'operator-password-1' };
  await env.addUser(user.username, user.password, 'editor');
  const server = await env.start({ topics: { logsEnriched: topic, alertRules: rulesTopic, logsDlq: dlqTopic }, tail: { enabled: true, maxPerUser: 5 }, delivery: { agentMetricsUrls: [] } });

  // Serve the dashboard from the API when api/app.ts mounts it; otherwise put serveDashboard in front of the API's app on one origin.
  let wrapper: Server | undefined;
  let baseUrl = server.url;
  let servedBy: DashboardStack['servedBy'] = 'api';
  const probe = await fetch(`${server.url}/`);
  if (!(probe.headers.get('content-type') ?? '').startsWith('text/html')) {
    await probe.arrayBuffer();
    const outer = express();
    outer.disable('x-powered-by');
    outer.use(serveDashboard());
    outer.use(server.api.app);
    wrapper = createServer(outer);
    await new Promise<void>((resolve) => wrapper!.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(wrapper.address() as AddressInfo).port}`;
    servedBy = 'wrapper';
  } else await probe.arrayBuffer();

  const indexPrefix = env.indexPrefix.replace(/-$/, '');
  const opensearchSink: OpenSearchSink = createOpenSearchSink({ config: openSearchSinkConfigSchema.parse({ indexPrefix, refreshInterval: '1s', retention: 'off' }), logger });
  await opensearchSink.start();
  const store: PostgresStore = createPostgresStore({ config: postgresSinkConfigSchema.parse({ url: env.databaseUrl, indexPrefix, runMigrations: false }), logger });
  const logsWriter = createLogEventsWriter({ store, logger });
  const statsWriter = createStatsWriter({ store, logger });
  const alertsWriter = createAlertsWriter({ store, logger });
  for (const writer of [logsWriter, statsWriter, alertsWriter]) await writer.start();

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });

  return {
    id,
    baseUrl,
    servedBy,
    env,
    server,
    browser,
    user,
    async writeLogs(events) {
      await writeAll(opensearchSink, records('logs.enriched', events, (e) => e.service, (e) => e.timestampMs));
      await writeAll(logsWriter, records('logs.enriched', events, (e) => e.service, (e) => e.timestampMs));
    },
    writeStats: (stats) => writeAll(statsWriter, records('stats.windowed', stats, (s) => s.service, (s) => s.windowEndMs)),
    writeAlerts: (alerts) => writeAll(alertsWriter, records('alerts', alerts, (a) => a.fingerprint, (a) => a.eventTimeMs)),
    async produceEnriched(events) {
      await producer.send({ topic, messages: events.map((event) => ({ key: event.service, value: serde.serialize(topic, event) })) });
    },
    async produceDeadLetter(origin) {
      const record = deadLetterRecord(
        dlqTopic,
        { key: Buffer.from(origin.key), value: origin.value, headers: {} },
        { topic: origin.sourceTopic, partition: origin.sourcePartition, offset: origin.sourceOffset, processor: origin.processor, timestamp: origin.timestampMs },
        origin.reason,
      );
      await producer.send({ topic: dlqTopic, messages: [{ key: record.key, value: record.value, headers: record.headers as Record<string, string>, timestamp: String(origin.timestampMs) }] });
    },
    async close() {
      await browser.close().catch(() => undefined);
      if (wrapper !== undefined) {
        wrapper.closeAllConnections();
        await new Promise((resolve) => wrapper!.close(resolve));
      }
      for (const writer of [logsWriter, statsWriter, alertsWriter, opensearchSink]) await writer.close().catch(() => undefined);
      await env.close();
      await producer.disconnect().catch(() => undefined);
      await admin.deleteTopics({ topics: [topic, rulesTopic, dlqTopic] }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    },
  };
}

/** One minute window of counts for `service` at `level`; a later `emittedAtMs` replaces an earlier emission of the same window (as a late update does). */
export function windowStat(service: string, level: LogLevel, windowStartMs: number, count: number, emittedAtMs = windowStartMs + WINDOW_MS + 1000): WindowedStat {
  return {
    service,
    level,
    windowSizeMs: WINDOW_MS,
    windowStartMs,
    windowEndMs: windowStartMs + WINDOW_MS,
    count,
    latencyCount: 0,
    latencySumMs: 0,
    latencyMaxMs: null,
    latencyP50Ms: null,
    latencyP95Ms: null,
    latencyP99Ms: null,
    latencySketch: null,
    emittedAtMs,
  };
}
