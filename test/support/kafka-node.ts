/**
 * The parts of a test-owned Kafka node (KRaft, broker + controller in one JVM, jars from
 * .local/opt/kafka/libs) that a single private broker and a private three-node cluster share:
 * free ports, the node's configuration, formatting its storage, and spawning its JVM.
 * The settings follow infra/local/components/kafka.sh, which starts the shared stack the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

/** The installed Kafka jars (override with KAFKA_LIBS). */
export const KAFKA_LIBS = resolve(process.env['KAFKA_LIBS'] ?? '.local/opt/kafka/libs');

/** Returns a TCP port that was free a moment ago (other test runs may use fixed ones). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * A Kafka Uuid the way the tools print one (16 random bytes, URL-safe base64 without padding),
 * never starting with '-' because the tools would read it as a flag. Cluster ids and directory ids.
 */
export function kafkaUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Where one node lives and listens. */
export interface KafkaNodeLayout {
  /** node.id (1-based, as in kafka.sh). */
  readonly nodeId: number;
  /** Directory holding the node's configs, data (`data/`) and output (`node.log`). */
  readonly dir: string;
  readonly clientPort: number;
  readonly controllerPort: number;
}

/** Cluster-wide settings written into every node's server.properties. */
export interface KafkaNodeSettings {
  /** `host:port` of every controller of the quorum (controller.quorum.bootstrap.servers). */
  readonly controllerBootstrap: readonly string[];
  /** default.replication.factor and the internal topics' replication factor. */
  readonly replicationFactor: number;
  /** min.insync.replicas and the internal topics' min ISR. */
  readonly minInsyncReplicas: number;
  /** Extra `key=value` lines appended last (they win over the defaults above). */
  readonly extra?: readonly string[];
}

/** Writes `server.properties` and a WARN-only `log4j2.properties` into the node's directory; returns the server.properties path. */
export async function writeKafkaNodeConfig(node: KafkaNodeLayout, settings: KafkaNodeSettings): Promise<string> {
  await mkdir(join(node.dir, 'data'), { recursive: true });
  const { replicationFactor: rf, minInsyncReplicas: minIsr } = settings;
  const properties = join(node.dir, 'server.properties');
  await writeFile(
    properties,
    [
      'process.roles=broker,controller',
      `node.id=${node.nodeId}`,
      `controller.quorum.bootstrap.servers=${settings.controllerBootstrap.join(',')}`,
      `listeners=PLAINTEXT://127.0.0.1:${node.clientPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${node.clientPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      `log.dirs=${join(node.dir, 'data')}`,
      // Topics are created by the reconciler (lib/kafka/topics.ts); a typo must fail, not create.
      'auto.create.topics.enable=false',
      `default.replication.factor=${rf}`,
      `min.insync.replicas=${minIsr}`,
      'unclean.leader.election.enable=false',
      `offsets.topic.replication.factor=${rf}`,
      'offsets.topic.num.partitions=3',
      `transaction.state.log.replication.factor=${rf}`,
      `transaction.state.log.min.isr=${minIsr}`,
      'transaction.state.log.num.partitions=3',
      `share.coordinator.state.topic.replication.factor=${rf}`,
      `share.coordinator.state.topic.min.isr=${minIsr}`,
      'group.initial.rebalance.delay.ms=0',
      'num.network.threads=2',
      'num.io.threads=2',
      ...(settings.extra ?? []),
      '',
    ].join('\n'),
  );
  await writeFile(
    join(node.dir, 'log4j2.properties'),
    [
      'appender.console.type=Console',
      'appender.console.name=console',
      'appender.console.target=SYSTEM_ERR',
      'appender.console.layout.type=PatternLayout',
      'appender.console.layout.pattern=[%d] %p %m (%c)%n',
      `rootLogger.level=${process.env['KAFKA_TEST_LOG_LEVEL'] ?? 'WARN'}`,
      'rootLogger.appenderRef.console.ref=console',
      '',
    ].join('\n'),
  );
  return properties;
}

/** JVM flags of the short-lived tools (formatting, the transactions command): small heap, quick start. */
function toolJava(dir: string): string[] {
  return ['-Xmx256m', '-XX:TieredStopAtLevel=1', `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`, '-cp', `${KAFKA_LIBS}/*`];
}

/** Runs a Kafka tool's main class and resolves with its stdout; rejects with its stderr on a non-zero exit. */
export async function runKafkaTool(dir: string, mainClass: string, args: readonly string[]): Promise<string> {
  const child = spawn('java', [...toolJava(dir), mainClass, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', done);
  });
  if (code !== 0) throw new Error(`${mainClass} ${args.join(' ')} exited with ${String(code)}: ${stderr.trim()}`);
  return stdout;
}

/**
 * Formats a node's storage. `initialControllers` (`id@host:port:directoryId,…`, the same list on
 * every node) bootstraps a multi-voter dynamic quorum (KIP-853); without it the node formats
 * itself as a standalone controller.
 */
export async function formatKafkaNode(node: KafkaNodeLayout, properties: string, clusterId: string, initialControllers?: string): Promise<void> {
  const quorum = initialControllers === undefined ? ['--standalone'] : ['--initial-controllers', initialControllers];
  await runKafkaTool(node.dir, 'kafka.tools.StorageTool', ['format', '--cluster-id', clusterId, '--config', properties, ...quorum]);
}

/**
 * JVM flags of a test node: a small heap, so three nodes fit beside the shared stack on this machine,
 * and C1 only, because on a busy 2-core box the C2 compiler threads stretched a node's start to a minute.
 */
export const TEST_NODE_JVM = ['-Xms128m', '-Xmx512m', '-XX:TieredStopAtLevel=1'];

/** Spawns the node's JVM; its stdout and stderr are appended to `<dir>/node.log`. */
export async function spawnKafkaNode(node: KafkaNodeLayout, properties: string, jvmFlags: readonly string[] = TEST_NODE_JVM): Promise<ChildProcess> {
  const log = await open(join(node.dir, 'node.log'), 'a');
  try {
    return spawn(
      'java',
      [...jvmFlags, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${join(node.dir, 'log4j2.properties')}`, '-cp', `${KAFKA_LIBS}/*`, 'kafka.Kafka', properties],
      { stdio: ['ignore', log.fd, log.fd] },
    );
  } finally {
    // The child holds its own copy of the descriptor.
    await log.close();
  }
}

/** Resolves once the process has exited (at once if it already has). */
export async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((done) => child.once('exit', done));
}
