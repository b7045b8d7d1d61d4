/**
 * Creates a test's topics and waits until every partition has a leader. kafkajs' own
 * `waitForLeaders` asks for metadata once per retry and gives up on UNKNOWN_TOPIC_OR_PARTITION,
 * which a KRaft broker answers for a moment after creating a topic; this polls the metadata with
 * a deadline instead.
 */
import type { Admin, ITopicConfig } from 'kafkajs';
import { waitFor } from './wait-for.js';

/** Creates `topics` (an existing one is left alone) and resolves once each partition has a leader; throws after `timeoutMs`. */
export async function createTestTopics(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  let last = '';
  await waitFor(
    `leaders for ${topics.map((t) => t.topic).join(', ')}`,
    async () => {
      try {
        const { topics: described } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
        return topics.every((wanted) => {
          const found = described.find((t) => t.name === wanted.topic);
          const partitions = wanted.numPartitions ?? 1;
          return found !== undefined && found.partitions.length === partitions && found.partitions.every((p) => p.leader >= 0);
        });
      } catch (error) {
        last = (error as Error).message;
        return false;
      }
    },
    { timeoutMs, intervalMs: 200, detail: () => last },
  );
}

/** The pipeline's six topic names under one test run's prefix: `<run>.logs.raw`, `<run>.logs.enriched`, … */
export function pipelineTopicNames(run: string): { raw: string; enriched: string; deadLetter: string; stats: string; alerts: string; alertRules: string } {
  return {
    raw: `${run}.logs.raw`,
    enriched: `${run}.logs.enriched`,
    deadLetter: `${run}.logs.dlq`,
    stats: `${run}.stats.windowed`,
    alerts: `${run}.alerts`,
    alertRules: `${run}.alert-rules`,
  };
}
