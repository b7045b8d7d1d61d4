import { z } from 'zod';
import { createKafka } from '../../lib/kafka/client.js';
import { sinkKafkaConfigSchema } from '../../sinks/runner/runner-config.js';
import { listDeadLetters, replayDeadLetters } from '../../sinks/runner/dead-letters.js';
import { runCommand } from '../run-command.js';
import { ConfigError } from '../../lib/errors.js';

/** Config of `sawmill dlq` (env prefix SAWMILL_DLQ__). */
export const dlqConfigSchema = z
  .object({
    kafka: sinkKafkaConfigSchema,
  })
  .strict();

/** Parses `--since`: an ISO date-time or milliseconds since the epoch. */
export function parseSince(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d{1,16}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new ConfigError(`--since ${JSON.stringify(text)} is neither an ISO date-time nor epoch milliseconds`, 'command line', 'since');
  return ms;
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return 20;
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1) throw new ConfigError(`--limit ${JSON.stringify(text)} must be a positive integer`, 'command line', 'limit');
  return Number(text);
}

/** Runs a command-line argument check; on ConfigError prints it, sets exit code 1 and returns undefined. */
function refuseBadArgument<R>(check: () => R): R | undefined {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`sawmill dlq: ${error.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
}

/** `sawmill dlq list`: prints the newest dead letters (one JSON object per line) with their reasons and origins. */
export async function dlqListCommand(options: { config?: string; limit?: string; topic?: string }): Promise<void> {
  const limit = refuseBadArgument(() => parseLimit(options.limit));
  if (limit === undefined) return;
  await runCommand({
    component: 'dlq',
    schema: dlqConfigSchema,
    configFile: options.config,
    body: async ({ config, logger }) => {
      const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'sawmill-dlq', logger });
      const letters = await listDeadLetters({ kafka, topic: options.topic ?? config.kafka.deadLetterTopic, limit });
      for (const letter of letters) process.stdout.write(`${JSON.stringify(letter)}\n`);
    },
  });
}

/** `sawmill dlq replay`: re-injects matching dead letters into their source topics (the stores deduplicate on event id); prints a summary. */
export async function dlqReplayCommand(options: { config?: string; reason?: string; since?: string; topic?: string; dryRun?: boolean }): Promise<void> {
  const since = refuseBadArgument(() => ({ ms: parseSince(options.since) }));
  if (since === undefined) return;
  await runCommand({
    component: 'dlq',
    schema: dlqConfigSchema,
    configFile: options.config,
    body: async ({ config, logger }) => {
      const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'sawmill-dlq', logger });
      const summary = await replayDeadLetters({
        kafka,
        topic: options.topic ?? config.kafka.deadLetterTopic,
        ...(options.reason === undefined ? {} : { reason: options.reason }),
        ...(since.ms === undefined ? {} : { sinceMs: since.ms }),
        dryRun: options.dryRun === true,
        logger,
      });
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    },
  });
}
