/**
 * A private Kafka cluster owned by one test (the broker crash drill): N KRaft nodes, each broker and
 * controller, on free ports under the test's directory, so nodes can be SIGKILLed without touching
 * the shared broker other helpers use. With three nodes, the controller quorum and every partition
 * (replication 3, min.insync.replicas 2) survive one node down.
 */
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import type { Admin } from 'kafkajs';
import { waitFor } from './wait-for.js';
import { exited, formatKafkaNode, freePort, kafkaUuid, runKafkaTool, spawnKafkaNode, writeKafkaNodeConfig, type KafkaNodeLayout } from './kafka-node.js';

/** A running (or stopped) private cluster. Node indexes are 0-based; node index i has node.id i+1. */
export interface PrivateKafkaCluster {
  /** Bootstrap list, one `127.0.0.1:port` per node (index i = node i). */
  readonly brokers: string[];
  /** Starts every node and waits until all are registered and serving. */
  start(): Promise<void>;
  /** SIGKILL of node i (no clean shutdown, as in a crash); resolves once the JVM has exited and the controller fenced it (its leaderships moved). */
  killNode(index: number): Promise<void>;
  /** Starts node i again and waits until it is registered and every partition is fully in sync again (or throws at `timeoutMs`, default 120 s). */
  startNode(index: number, timeoutMs?: number): Promise<void>;
  /** Index of the node leading `topic`'s partition, waiting (up to 60 s) while it has no live leader. */
  leaderOf(topic: string, partition: number): Promise<number>;
  /** Index of the node coordinating each open transactional id (from the transactions tool), by transactional id. */
  transactionCoordinators(): Promise<Map<string, number>>;
  /** Moves the leadership of `topic`'s partition back to its preferred (first) replica, as Kafka's periodic rebalance does. */
  electPreferredLeader(topic: string, partition: number): Promise<void>;
  /** Waits until every partition of every topic has its whole replica set in its ISR. */
  waitFullyInSync(timeoutMs?: number): Promise<void>;
  /** Whether node i's JVM is running. */
  isRunning(index: number): boolean;
  /** Kills every node and removes the cluster's data. */
  stop(): Promise<void>;
}

/**
 * Writes configs and formats storage for `nodes` nodes under `dir` (nothing runs yet; call start).
 * Every node gets default.replication.factor = min(3, nodes) and min.insync.replicas = 2 when
 * there are three or more nodes, internal topics alike.
 */
export async function createPrivateKafkaCluster(dir: string, nodes = 3): Promise<PrivateKafkaCluster> {
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`a cluster needs at least one node, got ${nodes}`);
  const layouts: KafkaNodeLayout[] = [];
  for (let i = 0; i < nodes; i++) {
    layouts.push({ nodeId: i + 1, dir: join(dir, `node${i + 1}`), clientPort: await freePort(), controllerPort: await freePort() });
  }
  const replicationFactor = Math.min(3, nodes);
  const settings = {
    controllerBootstrap: layouts.map((node) => `127.0.0.1:${node.controllerPort}`),
    replicationFactor,
    minInsyncReplicas: replicationFactor >= 3 ? 2 : 1,
    extra: [
      // Fence a crashed broker (and so move its leaderships) after 5 s instead of 9 s.
      'broker.heartbeat.interval.ms=1000',
      'broker.session.timeout.ms=5000',
      // A shared 2-core machine under load stalls JVMs for seconds: the default 1 s election and
      // 2 s fetch timeouts made the quorum re-elect in a loop at start. Slower but stable.
      'controller.quorum.election.timeout.ms=3000',
      'controller.quorum.fetch.timeout.ms=6000',
    ],
  };
  const propertiesFiles = await Promise.all(layouts.map((node) => writeKafkaNodeConfig(node, settings)));
  const clusterId = kafkaUuid();
  const initialControllers = nodes > 1 ? layouts.map((node) => `${node.nodeId}@127.0.0.1:${node.controllerPort}:${kafkaUuid()}`).join(',') : undefined;
  await Promise.all(layouts.map((node, i) => formatKafkaNode(node, propertiesFiles[i]!, clusterId, initialControllers)));

  const brokers = layouts.map((node) => `127.0.0.1:${node.clientPort}`);
  const children: (ChildProcess | undefined)[] = layouts.map(() => undefined);
  const isRunning = (i: number): boolean => {
    const child = children[i];
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  };
  const checkIndex = (i: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= nodes) throw new Error(`no node ${i} in a ${nodes}-node cluster`);
  };

  /** Runs `use` with a short-lived admin bootstrapped from `only` (one `host:port`) or from the running nodes. */
  const withAdmin = async <T>(use: (admin: Admin) => Promise<T>, only?: string): Promise<T> => {
    const live = only === undefined ? brokers.filter((_, i) => isRunning(i)) : [only];
    if (live.length === 0) throw new Error('no node of the private cluster is running');
    const admin = new kafkajs.Kafka({ brokers: live, clientId: 'private-kafka-cluster-probe', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 200 }, connectionTimeout: 1000, requestTimeout: 5000 }).admin();
    try {
      await admin.connect();
      return await use(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };

  /** Node ids of the live brokers in the cluster metadata, asked of `via` (one `host:port`) or of any running node. */
  const registeredNodeIds = async (via?: string): Promise<Set<number>> => {
    try {
      return new Set((await withAdmin((admin) => admin.describeCluster(), via)).brokers.map((broker) => broker.nodeId));
    } catch {
      return new Set();
    }
  };

  /** Partitions whose ISR lacks one of their replicas, as `topic/partition isr=[..] replicas=[..]`. */
  const underReplicated = async (): Promise<string[]> =>
    withAdmin(async (admin) => {
      // listTopics includes the internal topics (offsets, transaction state) once they exist.
      const metadata = await admin.fetchTopicMetadata({ topics: await admin.listTopics() });
      const lagging: string[] = [];
      for (const topic of metadata.topics) {
        for (const partition of topic.partitions) {
          if (partition.isr.length < partition.replicas.length || partition.leader < 0) {
            lagging.push(`${topic.name}/${partition.partitionId} leader=${partition.leader} isr=[${partition.isr.join(',')}] replicas=[${partition.replicas.join(',')}]`);
          }
        }
      }
      return lagging;
    });

  const waitFullyInSync = async (timeoutMs = 120_000): Promise<void> => {
    let last: string[] = [];
    await waitFor(
      'every partition of the private cluster fully in sync',
      async () => {
        try {
          last = await underReplicated();
        } catch (error) {
          last = [`metadata failed: ${(error as Error).message}`];
        }
        return last.length === 0;
      },
      { timeoutMs, intervalMs: 500, detail: () => last.slice(0, 10).join('; ') },
    );
  };

  const startNode = async (i: number, timeoutMs = 120_000): Promise<void> => {
    checkIndex(i);
    if (isRunning(i)) throw new Error(`node ${i} is already running`);
    children[i] = await spawnKafkaNode(layouts[i]!, propertiesFiles[i]!);
    await waitFor(`node ${i} (node.id ${i + 1}, ${brokers[i]}) registered`, async () => {
      if (!isRunning(i)) throw new Error(`node ${i} exited during start; see ${join(layouts[i]!.dir, 'node.log')}`);
      return (await registeredNodeIds(brokers[i]!)).has(i + 1);
    }, { timeoutMs, intervalMs: 250 });
    await waitFullyInSync(timeoutMs);
  };

  return {
    brokers,
    isRunning,
    waitFullyInSync,
    startNode,
    async start() {
      for (let i = 0; i < nodes; i++) {
        if (!isRunning(i)) children[i] = await spawnKafkaNode(layouts[i]!, propertiesFiles[i]!);
      }
      await waitFor(`all ${nodes} nodes of the private cluster registered`, async () => {
        const dead = layouts.filter((_, i) => !isRunning(i));
        if (dead.length > 0) throw new Error(`node(s) ${dead.map((node) => node.nodeId).join(',')} exited during start; see ${dead.map((node) => join(node.dir, 'node.log')).join(', ')}`);
        return (await registeredNodeIds()).size === nodes;
      }, { timeoutMs: 240_000, intervalMs: 250 });
    },
    async killNode(i) {
      checkIndex(i);
      const child = children[i];
      if (child === undefined || !isRunning(i)) throw new Error(`node ${i} is not running`);
      child.kill('SIGKILL');
      await exited(child);
      // Until the controller fences the node (broker.session.timeout.ms), metadata still names it
      // leader and in-sync replica: waiting here makes the failover real before the caller goes on,
      // and lets startNode tell a node that came back from one that never looked gone.
      if (brokers.some((_, j) => isRunning(j))) {
        await waitFor(`node ${i} (node.id ${i + 1}) fenced after its kill`, async () => !(await registeredNodeIds()).has(i + 1), { timeoutMs: 60_000, intervalMs: 250 });
      }
    },
    async leaderOf(topic, partition) {
      let leader = -1;
      let seen = '';
      await waitFor(`a live leader of ${topic}/${partition}`, async () => {
        try {
          const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics: [topic] }));
          const found = metadata.topics[0]?.partitions.find((p) => p.partitionId === partition);
          if (found === undefined) throw new Error(`${topic} has no partition ${partition}`);
          leader = found.leader - 1;
          seen = `leader node.id ${found.leader}`;
          return leader >= 0 && leader < nodes && isRunning(leader);
        } catch (error) {
          if ((error as Error).message.includes('has no partition')) throw error;
          seen = (error as Error).message;
          return false;
        }
      }, { timeoutMs: 60_000, intervalMs: 250, detail: () => seen });
      return leader;
    },
    async electPreferredLeader(topic, partition) {
      const live = brokers.filter((_, i) => isRunning(i));
      await runKafkaTool(layouts[0]!.dir, 'org.apache.kafka.tools.LeaderElectionCommand', ['--bootstrap-server', live.join(','), '--election-type', 'PREFERRED', '--topic', topic, '--partition', String(partition)]);
    },
    async transactionCoordinators() {
      const live = brokers.filter((_, i) => isRunning(i));
      const out = await runKafkaTool(layouts[0]!.dir, 'org.apache.kafka.tools.TransactionsCommand', ['--bootstrap-server', live.join(','), 'list']);
      // Columns: TransactionalId Coordinator ProducerId TransactionState
      const coordinators = new Map<string, number>();
      for (const line of out.split('\n').slice(1)) {
        const [transactionalId, coordinator] = line.trim().split(/\s+/);
        if (transactionalId !== undefined && coordinator !== undefined && /^\d+$/.test(coordinator)) coordinators.set(transactionalId, Number(coordinator) - 1);
      }
      return coordinators;
    },
    async stop() {
      await Promise.all(
        children.map(async (child, i) => {
          if (child !== undefined && isRunning(i)) {
            child.kill('SIGKILL');
            await exited(child);
          }
        }),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}
