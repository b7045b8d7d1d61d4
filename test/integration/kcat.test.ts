// The local Kafka seen through kcat (librdkafka), a second client implementation next to kafkajs:
// the declared topics are listed, and a line produced to logs.raw can be read back.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Admin } from 'kafkajs';
import { createLogger } from '../../lib/logger.js';
import { createKafka, parseBrokerList } from '../../lib/kafka/client.js';
import { reconcileTopics } from '../../lib/kafka/topic-reconciler.js';
import { SAWMILL_TOPICS } from '../../lib/kafka/topics.js';

const BROKERS = parseBrokerList(process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092');
const logger = createLogger('test-kcat', { level: process.env['SAWMILL_LOG_LEVEL'] ?? 'error' });

/** Runs kcat with `args` (and `input` on stdin), failing the test with its stderr on a non-zero exit. */
function kcat(args: string[], input?: string): string {
  const result = spawnSync('kcat', ['-b', BROKERS.join(','), ...args], {
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kcat ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

describe('kcat against the local kafka (integration)', function () {
  this.timeout(60_000);
  let admin: Admin;

  before(async () => {
    const probe = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error(
        'kcat is not installed: run `infra/local/components/kafka.sh install` (it installs the Debian ' +
          'package) or `sudo apt-get install -y kcat`',
      );
    }
    admin = createKafka({ brokers: BROKERS, clientId: 'sawmill-kcat-test', logger }).admin();
    await admin.connect();
    // The declared topics are this test's subject; make sure they exist (idempotent).
    await reconcileTopics({ admin, topics: SAWMILL_TOPICS, logger });
  });

  after(async () => {
    await admin?.disconnect();
  });

  it('lists every declared topic with its partitions', () => {
    const metadata = JSON.parse(kcat(['-L', '-J'])) as {
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: unknown[] }[];
    };
    expect(metadata.brokers.length).to.be.greaterThan(0);
    for (const spec of SAWMILL_TOPICS) {
      const topic = metadata.topics.find((t) => t.topic === spec.name);
      expect(topic, `${spec.name} in kcat -L`).not.to.equal(undefined);
      expect(topic?.partitions, spec.name).to.have.length(spec.partitions);
    }
  });

  it('reads back a line produced to logs.raw', async () => {
    const partition = 0;
    const line = `kcat-integration-${randomUUID()}`;
    // Start reading where the partition ends now, so the check does not scan the whole topic.
    const start = (await admin.fetchTopicOffsets('logs.raw')).find((p) => p.partition === partition)?.high;
    expect(start, 'high watermark of logs.raw/0').to.be.a('string');

    kcat(['-P', '-t', 'logs.raw', '-p', String(partition), '-k', 'kcat-test', '-H', 'sawmill-test=kcat'], `${line}\n`);
    const out = kcat(['-C', '-t', 'logs.raw', '-p', String(partition), '-o', String(start), '-e', '-q', '-f', '%k|%s\\n']);
    expect(out.split('\n')).to.include(`kcat-test|${line}`);
  });
});
