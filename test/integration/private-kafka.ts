/**
 * A single-node Kafka (KRaft, broker + controller) owned by one test, started from the jars the
 * local stack installed (.local/opt/kafka/libs) on its own ports and data directory, so a test
 * can stop it for an outage without touching the shared broker other helpers use.
 *
 * Why not a TCP proxy in front of the shared broker: kafkajs learns broker addresses from
 * metadata, and the shared broker advertises 127.0.0.1:9092, so after the first metadata request
 * every connection would bypass the proxy and closing it would not cut the agent off.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import kafkajs from 'kafkajs';
import { waitFor } from './agent-harness.js';

const LIBS = resolve(process.env['KAFKA_LIBS'] ?? '.local/opt/kafka/libs');

/** A private broker; `stop` and `start` may be called repeatedly. */
export interface PrivateKafka {
  brokers: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Returns a TCP port that was free a moment ago (other test runs may use fixed ones). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Formats a data directory under `dir` for a node on two free ports (client and controller). */
export async function createPrivateKafka(dir: string): Promise<PrivateKafka> {
  const port = await freePort();
  const controllerPort = await freePort();
  await mkdir(join(dir, 'data'), { recursive: true });
  const properties = join(dir, 'server.properties');
  await writeFile(
    properties,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      `log.dirs=${join(dir, 'data')}`,
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'log4j2.properties'), ['appender.console.type=Console', 'appender.console.name=console', 'appender.console.target=SYSTEM_ERR', 'appender.console.layout.type=PatternLayout', 'appender.console.layout.pattern=[%d] %p %m (%c)%n', 'rootLogger.level=WARN', 'rootLogger.appenderRef.console.ref=console', ''].join('\n'));
  const java = ['-Xmx512m', '-XX:TieredStopAtLevel=1', `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`, '-cp', `${LIBS}/*`];
  const format = spawnSync('java', [...java, 'kafka.tools.StorageTool', 'format', '--cluster-id', randomUUID().replace(/-/g, '').slice(0, 22), '--config', properties, '--standalone'], { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`formatting the private Kafka failed: ${format.stderr}`);

  const brokers = [`127.0.0.1:${port}`];
  let child: ChildProcess | undefined;
  return {
    brokers,
    async start() {
      child = spawn('java', [...java, 'kafka.Kafka', properties], { stdio: ['ignore', 'ignore', 'ignore'] });
      const admin = new kafkajs.Kafka({ brokers, clientId: 'private-kafka-probe', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
      await waitFor(`private Kafka on ${port}`, async () => {
        try {
          await admin.connect();
          const cluster = await admin.describeCluster();
          return cluster.brokers.length === 1;
        } catch {
          return false;
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      }, { timeoutMs: 60_000, intervalMs: 500 });
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
