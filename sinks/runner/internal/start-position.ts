/**
 * Positions a consumer group before it joins (the admin API refuses to move the offsets of a group
 * with live members), and reads where a group stands.
 */
import type { Admin } from 'kafkajs';
import { ConfigError } from '../../../lib/errors.js';
import type { SinkStartPosition } from '../sink-runner.js';

/** Moves `groupId` to `start` on every partition of `topics`; `committed` leaves it alone. Throws ConfigError when the group has live members. */
export async function applyStartPosition(admin: Admin, groupId: string, topics: readonly string[], start: SinkStartPosition): Promise<void> {
  if (start === 'committed') return;
  const { groups } = await admin.describeGroups([groupId]);
  const live = groups[0]?.members.length ?? 0;
  if (live > 0) {
    throw new ConfigError(`consumer group ${groupId} has ${live} live member(s); stop them before moving its start position`, 'createSinkRunner', 'startFrom');
  }
  for (const topic of topics) {
    const bounds = await admin.fetchTopicOffsets(topic);
    let partitions: { partition: number; offset: string }[];
    if (start === 'earliest') {
      partitions = bounds.map((entry) => ({ partition: entry.partition, offset: entry.low }));
    } else if ('timestampMs' in start) {
      // kafkajs answers the high watermark for partitions with nothing at or after the timestamp.
      partitions = (await admin.fetchTopicOffsetsByTimestamp(topic, start.timestampMs)).map((entry) => ({ partition: entry.partition, offset: entry.offset }));
    } else {
      partitions = bounds.map((entry) => {
        const given = start.offsets.find((item) => item.topic === topic && item.partition === entry.partition);
        if (given === undefined) return { partition: entry.partition, offset: entry.low };
        // An offset outside the retained range would be reset by the broker anyway; clamp it and say nothing surprising happened.
        const offset = Math.min(Math.max(Number(given.offset), Number(entry.low)), Number(entry.high));
        return { partition: entry.partition, offset: String(offset) };
      });
      for (const given of start.offsets) {
        if (given.topic === topic && !bounds.some((entry) => entry.partition === given.partition)) {
          throw new ConfigError(`startFrom names partition ${given.partition} of ${topic}, which has ${bounds.length} partitions`, 'createSinkRunner', 'startFrom.offsets');
        }
      }
    }
    await admin.setOffsets({ groupId, topic, partitions });
  }
}

/** Per `topic\0partition`, the group's committed offset, or the partition's low watermark when it has none. */
export async function readPositions(admin: Admin, groupId: string, topics: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  for (const { topic, partitions } of committed) {
    const bounds = await admin.fetchTopicOffsets(topic);
    for (const entry of bounds) {
      const found = partitions.find((item) => item.partition === entry.partition);
      const offset = found === undefined || Number(found.offset) < 0 ? Number(entry.low) : Number(found.offset);
      out.set(`${topic}\u0000${entry.partition}`, offset);
    }
  }
  return out;
}
