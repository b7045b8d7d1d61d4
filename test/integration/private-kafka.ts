/**
 * A single-node Kafka (KRaft, broker + controller) owned by one test, started from the jars the
 * local stack installed (.local/opt/kafka/libs) on its own ports and data directory, so a test
 * can stop it for an outage without touching the shared broker other helpers use.
 *
 * Why not a TCP proxy in front of the shared broker: kafkajs learns broker addresses from
 * metadata, and the shared broker advertises 127.0.0.1:9092, so after the first metadata request
 * every connection would bypass the proxy and closing it would not cut the agent off.
 */
import type { ChildProcess } from 'node:child_process';
import kafkajs from 'kafkajs';
import { waitFor } from './agent-harness.js';
import { exited, formatKafkaNode, freePort, kafkaUuid, spawnKafkaNode, writeKafkaNodeConfig } from '../support/kafka-node.js';

/** A private broker; `stop` and `start` may be called repeatedly. */
export interface PrivateKafka {
  brokers: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Formats a data directory under `dir` for a node on two free ports (client and controller). */
export async function createPrivateKafka(dir: string): Promise<PrivateKafka> {
  const node = { nodeId: 1, dir, clientPort: await freePort(), controllerPort: await freePort() };
  const properties = await writeKafkaNodeConfig(node, { controllerBootstrap: [`127.0.0.1:${node.controllerPort}`], replicationFactor: 1, minInsyncReplicas: 1 });
  await formatKafkaNode(node, properties, kafkaUuid());

  const brokers = [`127.0.0.1:${node.clientPort}`];
  let child: ChildProcess | undefined;
  return {
    brokers,
    async start() {
      child = await spawnKafkaNode(node, properties, ['-Xmx512m', '-XX:TieredStopAtLevel=1']);
      const admin = new kafkajs.Kafka({ brokers, clientId: 'private-kafka-probe', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
      await waitFor(`private Kafka on ${node.clientPort}`, async () => {
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
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 20_000);
      await exited(running);
      clearTimeout(timer);
    },
  };
}

