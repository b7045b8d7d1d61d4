/**
 * The agent's configuration: a strict zod schema (unknown keys rejected, a description on
 * every key) loaded through lib/config.ts (`SAWMILL_AGENT__*` variables overlay the file).
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { multilineConfigSchema, parserConfigSchema } from './parsers/index.js';

const labelsSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/), z.string().max(1024))
  .default({})
  .describe('Static labels added to every event of the source; `service` names the service (the Kafka key is host/service), `env` the environment');

const sourceCommon = {
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/).min(1).max(128).describe('Name of the source: keys its checkpoint state and its metrics'),
  parser: parserConfigSchema.default({ format: 'auto', maxLineLength: 65_536, latencyFromText: true }).describe('How lines are parsed'),
  multiline: multilineConfigSchema.optional().describe('Join physical lines into one event (stack traces); off when absent'),
  labels: labelsSchema,
};

/** A tailed set of files. */
export const fileSourceSchema = z
  .object({
    type: z.literal('file').describe('Tail files matching globs'),
    ...sourceCommon,
    include: z.array(z.string().startsWith('/')).min(1).describe('Absolute globs of files to tail (`*`, `**`, `?`, `[...]`)'),
    exclude: z.array(z.string().startsWith('/')).default([]).describe('Absolute globs of files never to tail (e.g. compressed rotations)'),
    startAt: z.enum(['beginning', 'end']).default('beginning').describe('Where files present at the very first start of this source begin; later files always start at 0'),
    pollIntervalMs: z.number().int().min(10).max(60_000).default(250).describe('Wait between read passes that found nothing'),
    changeDelayMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(200)
      .describe('After a file change event, or a read that caught up with the file, how long to wait for more appends before reading again, so small writes are read together (latency added at most)'),
    scanIntervalMs: z.number().int().min(50).max(600_000).default(1000).describe('Wait between glob scans for new, rotated and deleted files'),
    closeIdleMs: z.number().int().min(100).max(3_600_000).default(5000).describe('How long a rotated-away or deleted file must stay unchanged before it is closed'),
  })
  .strict();

/** The agent's standard input, line by line. */
export const stdinSourceSchema = z
  .object({
    type: z.literal('stdin').describe('Read lines from standard input until it ends'),
    ...sourceCommon,
  })
  .strict();

/** The HTTP push receiver (NDJSON). */
export const httpSourceSchema = z
  .object({
    type: z.literal('http').describe('Accept NDJSON log lines pushed over HTTP'),
    ...sourceCommon,
    host: z.string().default('127.0.0.1').describe('Address to listen on'),
    port: z.number().int().min(0).max(65_535).default(9480).describe('Port to listen on (0: any free port)'),
    path: z.string().startsWith('/').default('/v1/logs').describe('Path that accepts POST requests'),
    maxBodyBytes: z.number().int().positive().max(64 * 1024 * 1024).default(1024 * 1024).describe('Largest request body; bigger ones get 413'),
    tokens: z.array(z.string().min(16)).min(1).describe('Accepted bearer tokens (at least 16 characters each); compared in constant time'),
  })
  .strict();

/** Any source. */
export const sourceSchema = z.discriminatedUnion('type', [fileSourceSchema, stdinSourceSchema, httpSourceSchema]);

/** The whole agent config. */
export const agentConfigSchema = z
  .object({
    agentId: z.string().min(1).max(256).default(hostname()).describe('Id of this agent, an input of every event id; must stay the same across restarts (default: the hostname)'),
    host: z.string().min(1).max(256).default(hostname()).describe('Host name put on events whose line names no host'),
    sources: z.array(sourceSchema).min(1).describe('Inputs of the agent'),
    kafka: z
      .object({
        brokers: z.array(z.string()).min(1).default(['127.0.0.1:9092']).describe('Bootstrap brokers, host:port'),
        topic: z.string().min(1).default('logs.raw').describe('Topic the raw events go to'),
        clientId: z.string().min(1).default('sawmill-agent').describe('Kafka client id'),
        compression: z.enum(['gzip', 'none']).default('gzip').describe('Record batch compression (kafkajs supports gzip natively)'),
        batchMaxRecords: z.number().int().positive().max(100_000).default(2000).describe('Most records in one produce request'),
        batchMaxBytes: z.number().int().positive().max(64 * 1024 * 1024).default(1024 * 1024).describe('Most value bytes in one produce request, roughly'),
        lingerMs: z.number().int().min(0).max(60_000).default(20).describe('How long a small batch waits for more records before it is sent'),
        sendTimeoutMs: z.number().int().positive().default(30_000).describe('Longest one produce attempt may take before it is retried'),
      })
      .strict()
      .default({ brokers: ['127.0.0.1:9092'], topic: 'logs.raw', clientId: 'sawmill-agent', compression: 'gzip', batchMaxRecords: 2000, batchMaxBytes: 1024 * 1024, lingerMs: 20, sendTimeoutMs: 30_000 })
      .describe('Where events are produced (acks=all, idempotent producer)'),
    registry: z
      .object({
        url: z.string().url().default('http://127.0.0.1:8081').describe('Schema registry base URL'),
        subject: z.string().min(1).optional().describe('Subject the raw event schema is registered under; default `<topic>-value`'),
      })
      .strict()
      .default({ url: 'http://127.0.0.1:8081' })
      .describe('Confluent-compatible schema registry'),
    queue: z
      .object({
        maxRecords: z.number().int().positive().max(10_000_000).default(20_000).describe('Events held in memory waiting for Kafka; more go to the spool'),
      })
      .strict()
      .default({ maxRecords: 20_000 })
      .describe('The bounded in-memory queue in front of Kafka'),
    spool: z
      .object({
        dir: z.string().min(1).default('/var/lib/sawmill/agent/spool').describe('Directory of the disk spool segments'),
        maxBytes: z.number().int().positive().default(1024 * 1024 * 1024).describe('Spool cap; at the cap reading pauses and files stay where they are'),
        segmentBytes: z.number().int().positive().default(16 * 1024 * 1024).describe('Size at which a new segment file is started'),
        fsync: z
          .enum(['always', 'batch', 'none'])
          .default('batch')
          .describe('always: fsync after every record; batch: fsync at most every fsyncIntervalMs and at segment end; none: leave it to the OS'),
        fsyncIntervalMs: z.number().int().positive().default(1000).describe('For fsync batch: longest time a written record stays unsynced'),
        diskFullRetryMs: z.number().int().positive().default(1000).describe('How often a write refused with ENOSPC is tried again'),
      })
      .strict()
      .default({ dir: '/var/lib/sawmill/agent/spool', maxBytes: 1024 * 1024 * 1024, segmentBytes: 16 * 1024 * 1024, fsync: 'batch', fsyncIntervalMs: 1000, diskFullRetryMs: 1000 })
      .describe('On-disk overflow of the queue while Kafka is slow or down'),
    checkpointPath: z.string().min(1).default('/var/lib/sawmill/agent/checkpoint.json').describe('The checkpoint file (written atomically)'),
    resetCorruptCheckpoint: z.boolean().default(false).describe('Set a corrupt checkpoint aside and start empty instead of refusing to start'),
    maxLineBytes: z.number().int().min(256).max(4 * 1024 * 1024).default(64 * 1024).describe('Longest line kept whole; longer lines are truncated and flagged, never dropped. At most 4 MiB so an event stays under the 8 MiB max.message.bytes of logs.raw'),
    metricsPort: z.number().int().min(0).max(65_535).default(9405).describe('Port of /metrics, /healthz and /readyz'),
    metricsHost: z.string().default('127.0.0.1').describe('Address of /metrics, /healthz and /readyz'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((source, index) => {
      if (seen.has(source.id)) ctx.addIssue({ code: 'custom', path: ['sources', index, 'id'], message: `duplicate source id ${source.id}` });
      seen.add(source.id);
    });
    if (config.sources.filter((s) => s.type === 'stdin').length > 1) ctx.addIssue({ code: 'custom', path: ['sources'], message: 'at most one stdin source' });
  });

/** The agent config after validation and defaults. */
export type AgentConfig = z.output<typeof agentConfigSchema>;
/** The agent config as written. */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
/** One source after validation. */
export type SourceConfig = AgentConfig['sources'][number];
