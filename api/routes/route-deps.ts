import type { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import type { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from '../../lib/logger.js';
import type { KeySet } from '../auth/key-set.js';
import type { ApiConfig } from '../config.js';
import type { RateLimits } from '../rate-limit/rate-limits.js';
import type { AlertRulePublisher } from '../alert-rules/rule-publisher.js';
import type { LiveTail } from '../logs/live-tail.js';

/** What route modules need: config, the stores and the shared services, created once by app.ts. */
export interface RouteDeps {
  readonly config: ApiConfig;
  readonly pool: Pool;
  readonly redis: Redis;
  readonly opensearch: OpenSearchClient;
  readonly keySet: KeySet;
  readonly rateLimits: RateLimits;
  readonly logger: Logger;
  /** Publishes rules to the alert-rules topic; absent when Kafka is not configured (then rule writes answer 503). */
  readonly rulePublisher?: AlertRulePublisher;
  /** Kafka client for the dead-letter tools; absent answers 503 there. */
  readonly kafka?: Kafka;
  /** The live tail fan-out; absent disables /logs/tail (503). */
  readonly liveTail?: LiveTail;
}
