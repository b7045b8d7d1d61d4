/**
 * Shared pieces of the notifier integration tests: a unique database, alerts and DLQ topics per
 * suite on the real Kafka, Avro producing through the real registry, the notifier in-process or as
 * a `sawmill notifier` child process, a webhook receiver, and ledger queries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import kafkajs, { type Admin, type Producer } from 'kafkajs';
import pg from 'pg';
import { createLogger } from '../../lib/logger.js';
import { notifierConfigSchema, type NotifierConfig } from '../../notifier/config.js';
import { runNotifier, type RunningNotifier } from '../../notifier/run.js';
import { topicValueSchema, type AlertEvent } from '../../schemas/log-schemas.js';
import { Serdes, type Serde } from '../../topology/index.js';
import { ensureTestDatabase } from '../support/test-database.js';

export { waitFor } from '../support/wait-for.js';

/** Kafka bootstrap brokers of the shared test cluster. */
export const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
/** The shared schema registry. */
export const REGISTRY_URL = process.env['REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
const PG_BASE = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/sawmill_test';

/** A unique lower-case name for this run's topics, groups and databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** One suite's private world: database, topics, producer. */
export interface NotifierWorld {
  readonly pgUrl: string;
  readonly pool: pg.Pool;
  readonly topic: string;
  readonly dlqTopic: string;
  /** Produces alert events, Avro-encoded through the registry, keyed by fingerprint. */
  publish(events: readonly AlertEvent[]): Promise<void>;
  /** Produces raw bytes to the alerts topic (for malformed-input tests). */
  publishRaw(key: string | null, value: Buffer | null): Promise<void>;
  /** Every record of the DLQ topic: its key, value and headers as strings. */
  readDlq(): Promise<Array<{ key: string | null; value: Buffer | null; headers: Record<string, string> }>>;
  /** A notifier config on this world, with test-sized timings; `overrides` are merged per section. */
  config(overrides: ConfigOverrides): NotifierConfig;
  close(): Promise<void>;
}

/** Sections of the notifier config a test may override. */
export interface ConfigOverrides {
  smtpPort: number;
  groupId?: string;
  maxRecordBytes?: number;
  grouping?: Partial<NotifierConfig['grouping']>;
  delivery?: Partial<NotifierConfig['delivery']>;
  webhook?: Partial<NotifierConfig['webhook']>;
  email?: { enabled?: boolean };
}

/** Creates the database and topics (1 partition, so a marker event is processed after what precedes it). */
export async function createWorld(prefix: string): Promise<NotifierWorld> {
  const name = uniqueName(prefix);
  const database = name.replace(/-/g, '_');
  const pgUrl = Object.assign(new URL(PG_BASE), { pathname: `/${database}` }).toString();
  await ensureTestDatabase(pgUrl);
  const pool = new pg.Pool({ connectionString: pgUrl, max: 4 });
  const topic = `${name}-alerts`;
  const dlqTopic = `${name}-dlq`;
  const kafka = new kafkajs.Kafka({ brokers: KAFKA_BROKERS, clientId: 'notifier-it', logLevel: kafkajs.logLevel.NOTHING });
  const admin: Admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }, { topic: dlqTopic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const serde: Serde<AlertEvent> = Serdes.Avro<AlertEvent>({ registry: new SchemaRegistry({ host: REGISTRY_URL }), schema: topicValueSchema('alerts'), topic });
  await serde.init?.();

  return {
    pgUrl,
    pool,
    topic,
    dlqTopic,
    async publish(events) {
      await producer.send({ topic, acks: -1, messages: events.map((event) => ({ key: event.fingerprint, value: serde.serialize(topic, event) })) });
    },
    async publishRaw(key, value) {
      await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    },
    async readDlq() {
      const consumer = kafka.consumer({ groupId: uniqueName('notifier-it-dlq'), maxWaitTimeInMs: 100 });
      const out: Array<{ key: string | null; value: Buffer | null; headers: Record<string, string> }> = [];
      const offsets = await admin.fetchTopicOffsets(dlqTopic);
      const end = Number(offsets[0]?.high ?? '0');
      if (end === 0) return out;
      await consumer.connect();
      await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
      let done: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const headers: Record<string, string> = {};
          for (const [header, value] of Object.entries(message.headers ?? {})) headers[header] = String(value);
          out.push({ key: message.key?.toString('utf8') ?? null, value: message.value, headers });
          if (Number(message.offset) + 1 >= end) done();
        },
      });
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      await consumer.disconnect();
      return out;
    },
    config(overrides) {
      return notifierConfigSchema.parse({
        kafka: { brokers: KAFKA_BROKERS, topic, dlqTopic, groupId: overrides.groupId ?? `${name}-group`, ...(overrides.maxRecordBytes === undefined ? {} : { maxRecordBytes: overrides.maxRecordBytes }) },
        registry: { url: REGISTRY_URL },
        postgres: { url: pgUrl },
        grouping: { groupWaitMs: 1500, ...overrides.grouping },
        delivery: { pollIntervalMs: 100, retryInitialDelayMs: 500, retryMaxDelayMs: 5000, inlineRetries: 1, ...overrides.delivery },
        email: { enabled: overrides.email?.enabled ?? true, from: 'sawmill@test.local', to: ['oncall@test.local'], smtp: { host: '127.0.0.1', port: overrides.smtpPort, connectionTimeoutMs: 2000, socketTimeoutMs: 5000 } },
        webhook: { ...overrides.webhook },
        dashboardUrl: 'http://dash.test',
        metricsPort: 0,
      });
    },
    async close() {
      await producer.disconnect().catch(() => undefined);
      await admin.deleteTopics({ topics: [topic, dlqTopic], timeout: 10_000 }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
      const maintenance = new pg.Client({ connectionString: Object.assign(new URL(pgUrl), { pathname: '/postgres' }).toString() });
      await maintenance.connect();
      await maintenance.query(`DROP DATABASE IF EXISTS ${maintenance.escapeIdentifier(database)} WITH (FORCE)`).catch(() => undefined);
      await maintenance.end();
    },
  };
}

/** Starts the notifier in this process. */
export async function startNotifier(config: NotifierConfig): Promise<RunningNotifier> {
  return runNotifier({ config, logger: createLogger('notifier-it', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'warn' }), defaultMetrics: false });
}

/** A `sawmill notifier` child process. */
export interface NotifierChild {
  readonly process: ChildProcess;
  readonly metricsUrl: string;
  /** Everything it wrote to stdout (pino JSON lines) and stderr. */
  output(): string;
  /** kill -9, and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
}

/** Runs `node --import tsx bin/sawmill.ts notifier --config <file>`; resolves once it logged "notifier started". */
export async function startNotifierChild(config: NotifierConfig): Promise<NotifierChild> {
  const file = join(tmpdir(), `${uniqueName('notifier-it')}.yaml`);
  // JSON is YAML: the loader reads it as is.
  await writeFile(file, JSON.stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/sawmill.ts', 'notifier', '--config', file], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SAWMILL_LOG_LEVEL: 'info' },
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const metricsUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`notifier child did not start in 60 s:\n${output.slice(-3000)}`)), 60_000);
    const onData = (): void => {
      const match = /"metrics_url":"([^"]+)"[^\n]*"msg":"notifier started"/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`notifier child exited with ${child.exitCode}:\n${output.slice(-3000)}`));
    });
  });
  return {
    process: child,
    metricsUrl,
    output: () => output,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A ledger row, as tests look at it. */
export interface LedgerRow {
  fingerprint: string;
  state: string;
  channel: string;
  repeat_no: number;
  status: string;
  attempts: number;
  last_error: string | null;
  silence_id: string | null;
}

/** Every ledger row, ordered. */
export async function ledger(pool: pg.Pool): Promise<LedgerRow[]> {
  const { rows } = await pool.query<LedgerRow>(
    'SELECT fingerprint, state, channel, repeat_no, status, attempts, last_error, silence_id FROM notification_ledger ORDER BY fingerprint, state, channel, repeat_no',
  );
  return rows;
}

/** An HTTP receiver of webhook calls, in this process. */
export interface WebhookReceiver {
  readonly url: string;
  readonly requests: Array<{ headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}

/** Starts a webhook receiver answering 200 to every POST. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: WebhookReceiver['requests'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Reads one sample value of a metric from a Prometheus text exposition (0 when absent). */
export async function metricValue(metricsUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`))) return Number(line.split(' ').pop());
  }
  return 0;
}
