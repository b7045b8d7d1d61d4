/**
 * One failure drill's stack (see drill-types.ts): its own topics (`drill-<name>-<rand>.logs.raw`
 * etc.) with their Avro subjects registered, a fresh migrated PostgreSQL database, an OpenSearch
 * index prefix, and the Sawmill services as real `sawmill` child processes with fixed health ports
 * (agent, stream under exactly_once, both sinks, optionally the API), so a drill can SIGKILL and
 * restart any of them. Consumer groups are named after the run: the stream's application id is
 * `<run>-stream`, the OpenSearch sink's group `<run>-sink-opensearch`, the PostgreSQL sink's
 * `<run>-sink-postgres-postgres-logs` (the configured id is a prefix, one group per stream).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { hashPassword } from '../../../api/auth/passwords.js';
import { insertUser } from '../../../api/auth/user-store.js';
import { topicValueSchema, TOPIC_VALUE_SCHEMAS, type AvroTopic } from '../../../schemas/log-schemas.js';
import { registerSchemas } from '../../../schemas/register.js';
import { runMigrations } from '../../../sinks/postgres/migrate.js';
import { createTestTopics, pipelineTopicNames } from '../../support/create-test-topics.js';
import { sawmillProcess, type SawmillProcess } from '../../support/sawmill-process.js';
import { waitFor } from '../../support/wait-for.js';
import { dropDatabase, groupLagWith } from '../../integration/sink-test-kit.js';
import { freePort } from '../../support/kafka-node.js';
import { acknowledgedFiles } from './agent-checkpoint.js';
import type { DrillService, DrillStack, DrillStackOptions } from './drill-types.js';

const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
const OPENSEARCH_URL = process.env['OPENSEARCH_URL'] ?? 'http://127.0.0.1:9200';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PG_ADMIN_URL = process.env['PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The drill API's first admin; its token is `stack.api.token`. */
export const DRILL_API_ADMIN = 'drill-admin';
/** Password of every user the drill stack creates (the stack's database is its own). */
export const DRILL_API_PASSWORD = 'drill-password-0123456789';
/**
 * The API's rate limits in a drill: per address effectively unlimited (every drill client is
 * 127.0.0.1), per principal 100 requests per 10 s, so a paced searcher stays under it and a burst
 * from one client goes over.
 */
export const DRILL_API_PRINCIPAL_LIMIT = { points: 100, durationSeconds: 10 } as const;

const SERVICES: readonly DrillService[] = ['stream', 'sink-postgres', 'sink-opensearch', 'api', 'agent'];

/** Creates the topics, subjects, database and temp dirs of a drill; `start()` spawns the services. */
export async function createDrillStack(options: DrillStackOptions): Promise<DrillStack> {
  if (!/^[a-z0-9-]{1,40}$/.test(options.name)) throw new TypeError(`drill name ${JSON.stringify(options.name)}: lower case, digits and dashes, at most 40`);
  const name = options.name;
  const run = `drill-${name}-${randomBytes(3).toString('hex')}`;
  const brokers = [...(options.brokers ?? (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','))];
  const replicationFactor = options.replicationFactor ?? 1;
  const minInsync = options.minInsyncReplicas ?? 1;
  const partitions = options.partitions ?? 6;
  const topics = pipelineTopicNames(run);
  const applicationId = `${run}-stream`;
  const groups = {
    stream: applicationId,
    'sink-opensearch': `${run}-sink-opensearch`,
    'sink-postgres': `${run}-sink-postgres-postgres-logs`,
  } as const;
  const indexPrefix = run;
  const databaseName = run.replace(/-/g, '_');
  const postgresUrl = withDatabase(PG_ADMIN_URL, databaseName);

  const dir = await mkdtemp(join(tmpdir(), `${run}-`));
  const logDir = join(dir, 'logs');
  const agentDir = join(dir, 'agent');
  await mkdir(logDir);
  await mkdir(agentDir);
  const agentCheckpointPath = join(agentDir, 'checkpoint.json');
  const spoolDir = options.agentSpoolDir ?? join(agentDir, 'spool');

  const kafka = new kafkajs.Kafka({ brokers, clientId: run, logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();

  const cleanups: (() => Promise<unknown>)[] = [];
  const processes = new Map<DrillService, SawmillProcess>();
  let destroyed = false;
  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    await Promise.all([...processes.values()].map((child) => child.kill9().catch(() => undefined)));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };

  try {
    cleanups.push(async () => {
      const own = (await admin.listTopics()).filter((topic) => topic.startsWith(run));
      if (own.length > 0) await admin.deleteTopics({ topics: own, timeout: 20_000 });
    });
    cleanups.push(async () => {
      const { groups: all } = await admin.listGroups();
      const own = all.map((g) => g.groupId).filter((id) => id.startsWith(run));
      if (own.length > 0) await admin.deleteGroups(own).catch(() => undefined);
    });
    const topicConfig = [{ name: 'min.insync.replicas', value: String(minInsync) }];
    await createTestTopics(admin, [
      { topic: topics.raw, numPartitions: partitions, replicationFactor, configEntries: [...topicConfig, { name: 'max.message.bytes', value: String(8 * 1024 * 1024) }] },
      { topic: topics.enriched, numPartitions: partitions, replicationFactor, configEntries: [...topicConfig, { name: 'max.message.bytes', value: String(8 * 1024 * 1024) }] },
      { topic: topics.deadLetter, numPartitions: 1, replicationFactor, configEntries: [...topicConfig, { name: 'max.message.bytes', value: String(9 * 1024 * 1024) }] },
      { topic: topics.stats, numPartitions: 1, replicationFactor, configEntries: topicConfig },
      { topic: topics.alerts, numPartitions: 1, replicationFactor, configEntries: topicConfig },
      { topic: topics.alertRules, numPartitions: 1, replicationFactor, configEntries: [...topicConfig, { name: 'cleanup.policy', value: 'compact' }] },
    ]);

    const subjects: [string, AvroTopic][] = [
      [topics.raw, 'logs.raw'],
      [topics.enriched, 'logs.enriched'],
      [topics.stats, 'stats.windowed'],
      [topics.alerts, 'alerts'],
      [topics.alertRules, 'alert-rules'],
    ];
    cleanups.push(async () => {
      for (const [topic] of subjects) {
        const path = `${REGISTRY_URL}/subjects/${encodeURIComponent(`${topic}-value`)}`;
        await fetch(path, { method: 'DELETE' }).catch(() => undefined);
        await fetch(`${path}?permanent=true`, { method: 'DELETE' }).catch(() => undefined);
      }
    });
    const outcomes = await registerSchemas({
      registryUrl: REGISTRY_URL,
      schemas: subjects.map(([topic, kind]) => ({ subject: `${topic}-value`, schema: topicValueSchema(kind), file: `schemas/avro/${TOPIC_VALUE_SCHEMAS[kind]}` })),
    });
    const refused = outcomes.filter((o) => o.status === 'incompatible');
    if (refused.length > 0) throw new Error(`schema registration refused: ${JSON.stringify(refused)}`);

    const maintenance = new pg.Client({ connectionString: PG_ADMIN_URL });
    await maintenance.connect();
    try {
      const tablespace = options.postgresTablespace === undefined ? '' : ` TABLESPACE ${maintenance.escapeIdentifier(options.postgresTablespace)}`;
      await maintenance.query(`CREATE DATABASE ${maintenance.escapeIdentifier(databaseName)}${tablespace}`);
    } finally {
      await maintenance.end();
    }
    cleanups.push(() => dropDatabase(databaseName));
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 2 });
    try {
      await runMigrations(pool);
      if (options.withApi === true) {
        await insertUser(pool, { username: DRILL_API_ADMIN, passwordHash: await hashPassword(DRILL_API_PASSWORD), role: 'admin' });
      }
    } finally {
      await pool.end();
    }
    cleanups.push(async () => {
      await fetch(`${OPENSEARCH_URL}/${indexPrefix}-*?expand_wildcards=all`, { method: 'DELETE' }).catch(() => undefined);
      await fetch(`${OPENSEARCH_URL}/_index_template/${indexPrefix}-template`, { method: 'DELETE' }).catch(() => undefined);
      await fetch(`${OPENSEARCH_URL}/_plugins/_ism/policies/${indexPrefix}-retention`, { method: 'DELETE' }).catch(() => undefined);
    });

    const ports = { agent: await freePort(), stream: await freePort(), 'sink-postgres': await freePort(), 'sink-opensearch': await freePort(), api: await freePort() };
    const kafkaSink = (groupId: string) => ({ brokers, groupId, deadLetterTopic: topics.deadLetter, sessionTimeoutMs: 10_000, lagIntervalMs: 2000 });
    processes.set(
      'agent',
      sawmillProcess({
        args: ['agent'],
        configPath: join(dir, 'agent.yaml'),
        port: ports.agent,
        config: {
          agentId: run,
          host: 'drill-host',
          checkpointPath: agentCheckpointPath,
          spool: { dir: spoolDir },
          metricsPort: ports.agent,
          kafka: { brokers, topic: topics.raw, clientId: `${run}-agent` },
          registry: { url: REGISTRY_URL },
          sources: [{ type: 'file', id: `drill-${name}`, include: [join(logDir, '*.log')], labels: { env: 'drill', drill: name } }],
        },
      }),
    );
    processes.set(
      'stream',
      sawmillProcess({
        args: ['stream'],
        configPath: join(dir, 'stream.yaml'),
        port: ports.stream,
        readyTimeoutMs: 120_000,
        config: {
          applicationId,
          kafka: { brokers, clientId: `${run}-stream` },
          registryUrl: REGISTRY_URL,
          guarantee: 'exactly_once',
          sessionTimeoutMs: 6000,
          metricsPort: ports.stream,
          pipeline: { topics },
        },
      }),
    );
    processes.set(
      'sink-postgres',
      sawmillProcess({
        args: ['sink', 'postgres'],
        label: 'sink postgres',
        configPath: join(dir, 'sink-postgres.yaml'),
        port: ports['sink-postgres'],
        config: {
          postgres: { url: postgresUrl, indexPrefix, topics: { logs: topics.enriched, stats: topics.stats, alerts: topics.alerts } },
          kafka: kafkaSink(`${run}-sink-postgres`),
          registry: { url: REGISTRY_URL },
          health: { port: ports['sink-postgres'] },
        },
      }),
    );
    processes.set(
      'sink-opensearch',
      sawmillProcess({
        args: ['sink', 'opensearch'],
        label: 'sink opensearch',
        configPath: join(dir, 'sink-opensearch.yaml'),
        port: ports['sink-opensearch'],
        config: {
          opensearch: { url: OPENSEARCH_URL, indexPrefix, retention: 'off' },
          topic: topics.enriched,
          kafka: kafkaSink(groups['sink-opensearch']),
          registry: { url: REGISTRY_URL },
          health: { port: ports['sink-opensearch'] },
        },
      }),
    );
    if (options.withApi === true) {
      const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
      processes.set(
        'api',
        sawmillProcess({
          args: ['api'],
          configPath: join(dir, 'api.yaml'),
          port: ports.api,
          config: {
            server: { port: ports.api },
            postgresUrl,
            redisUrl: REDIS_URL,
            opensearchUrl: OPENSEARCH_URL,
            registryUrl: REGISTRY_URL,
            kafkaBrokers: brokers,
            topics: { alertRules: topics.alertRules, logsEnriched: topics.enriched, logsDlq: topics.deadLetter, replayTargets: [topics.raw, topics.enriched] },
            search: { indexPrefix: `${indexPrefix}-` },
            delivery: { agentMetricsUrls: [`http://127.0.0.1:${ports.agent}`] },
            auth: {
              signingKid: 'drill',
              accessTokenTtlSeconds: 86_400,
              keys: [
                {
                  kid: 'drill',
                  algorithm: 'RS256',
                  publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
                  privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
                },
              ],
              cursorSecret: `drill-cursor-${randomBytes(16).toString('hex')}`,
            },
            rateLimit: { keyPrefix: `sawmill:${run}:rl:`, perClient: { points: 1_000_000, durationSeconds: 60 }, perPrincipal: DRILL_API_PRINCIPAL_LIMIT },
            tail: { enabled: false },
          },
        }),
      );
    }
  } catch (error) {
    await destroy();
    throw error;
  }

  // Services the drill took down on purpose; any other that is not running has crashed.
  const downOnPurpose = new Set<DrillService>();
  let started = false;
  const crashed = (): string | undefined => {
    if (!started) return undefined;
    const dead = [...processes.entries()].filter(([which, child]) => !downOnPurpose.has(which) && child.pid === undefined);
    if (dead.length === 0) return undefined;
    return dead.map(([which, child]) => `${which} exited on its own (codes ${JSON.stringify(child.exits)}):\n${child.output().slice(-4000)}`).join('\n');
  };
  const service = (which: DrillService): SawmillProcess => {
    const child = processes.get(which);
    if (child === undefined) throw new Error(`drill ${name}: no ${which} in this stack (withApi: ${String(options.withApi ?? false)})`);
    return child;
  };
  const api = options.withApi === true ? { url: service('api').url, token: '' } : undefined;

  const lagOf = async (which: 'stream' | 'sink-postgres' | 'sink-opensearch'): Promise<number> => groupLagWith(admin, groups[which], which === 'stream' ? topics.raw : topics.enriched);

  const stack: DrillStack = {
    name,
    logDir,
    agentId: run,
    agentCheckpointPath,
    topics,
    postgresUrl,
    indexPattern: `${indexPrefix}-*`,
    ...(api === undefined ? {} : { api }),
    async start() {
      // The pipeline first, so the agent's first lines find every consumer in its group; the API
      // and sinks start in parallel (each startup is mostly module loading on a shared CPU).
      await Promise.all(SERVICES.filter((s) => s !== 'agent' && processes.has(s)).map((s) => service(s).start()));
      await service('agent').start();
      started = true;
      if (api !== undefined) (api as { token: string }).token = await login(api.url, DRILL_API_ADMIN);
    },
    async kill(which) {
      downOnPurpose.add(which);
      await service(which).kill9();
    },
    async restart(which) {
      await service(which).start();
      downOnPurpose.delete(which);
    },
    pid: (which) => processes.get(which)?.pid,
    metrics: (which) => service(which).metrics(),
    lag: lagOf,
    async drain(timeoutMs) {
      let behind = '';
      let reportAt = Date.now() + 15_000;
      // A long drain says what it waits for now and then, so a slow run can be told from a stuck one.
      const progress = setInterval(() => {
        if (Date.now() < reportAt || behind === '') return;
        reportAt = Date.now() + 15_000;
        process.stderr.write(`drill ${name}: draining, behind: ${behind}\n`);
      }, 1000);
      try {
        await waitFor(
          `drill ${name} to drain`,
          async () => {
            const dead = crashed();
            if (dead !== undefined) throw new Error(`drill ${name}: ${dead}`);
            const files = await acknowledgedFiles(logDir, agentCheckpointPath);
            const unacked = files.filter((f) => f.acknowledged < f.size);
            if (unacked.length > 0) {
              behind = `agent: ${unacked.map((f) => `${f.path} acknowledged ${f.acknowledged} of ${f.size} bytes`).join('; ')}`;
              return false;
            }
            for (const which of ['stream', 'sink-postgres', 'sink-opensearch'] as const) {
              const lag = await lagOf(which).catch((error: unknown) => `unknown (${(error as Error).message})`);
              if (lag !== 0) {
                behind = `${which} (group ${groups[which]}): lag ${lag}`;
                return false;
              }
            }
            return true;
          },
          { timeoutMs, intervalMs: 1000, detail: () => `; behind: ${behind}` },
        );
      } finally {
        clearInterval(progress);
      }
    },
    output() {
      return [...processes.entries()].map(([which, child]) => `--- ${which} (exits ${JSON.stringify(child.exits)})\n${child.output().slice(-6000)}`).join('\n');
    },
    destroy,
  };
  return stack;
}

/** Logs in as `username` (password DRILL_API_PASSWORD) and returns the access token. */
export async function login(apiUrl: string, username: string): Promise<string> {
  const response = await fetch(`${apiUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DRILL_API_PASSWORD }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (response.status !== 200 || body.accessToken === undefined) throw new Error(`login as ${username}: ${response.status} ${JSON.stringify(body)}`);
  return body.accessToken;
}

/*
 * Lag is groupLagWith (sink-test-kit): records between a group's committed offsets and the last
 * stable offsets. On a topic written in transactions the end offset is the one after the last commit
 * marker, which a consumer never commits past; a lag that is only those markers is checked in
 * `residualIsMarkers`.
 */

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

