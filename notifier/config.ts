/**
 * The notifier's configuration: a strict zod schema (unknown keys refused, a description on every
 * key) loaded through lib/config.ts, `SAWMILL_NOTIFIER__*` variables overlaying the file.
 */
import { z } from 'zod';

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const kafkaSchema = z
  .object({
    brokers: z.array(z.string()).min(1).default(['127.0.0.1:9092']).describe('Bootstrap brokers, host:port'),
    topic: z.string().min(1).default('alerts').describe('Topic of the AlertEvent records (key = fingerprint)'),
    groupId: z.string().min(1).default('sawmill-notifier').describe('Consumer group id'),
    clientId: z.string().min(1).default('sawmill-notifier').describe('Kafka client id'),
    dlqTopic: z.string().min(1).default('logs.dlq').describe('Where undecodable or invalid records go, with the reason in headers'),
    maxRecordBytes: z.number().int().positive().max(64 * 1024 * 1024).default(1024 * 1024).describe('Largest record value accepted; larger ones are dead-lettered'),
    fromBeginning: z.boolean().default(true).describe('Where a new consumer group starts; true so no alert written before the first start is missed'),
  })
  .strict()
  .prefault({})
  .describe('The alerts topic and the consumer group');

const registrySchema = z
  .object({
    url: z.string().url().default('http://127.0.0.1:8081').describe('Schema registry base URL (writer schemas are fetched by id)'),
  })
  .strict()
  .prefault({})
  .describe('Confluent-compatible schema registry');

const postgresSchema = z
  .object({
    url: z.string().min(1).default('postgres://postgres@127.0.0.1:5432/sawmill').describe('PostgreSQL URL of the state, ledger and silences tables'),
    statementTimeoutMs: z.number().int().min(0).default(30_000).describe('Server-side limit of one statement'),
    migrate: z.boolean().default(true).describe('Apply pending migrations at start (sinks/postgres/migrations)'),
  })
  .strict()
  .prefault({})
  .describe('PostgreSQL, where the state machine, the delivery ledger and the silences live');

const groupingSchema = z
  .object({
    byLabels: z
      .array(z.string().regex(LABEL_NAME).max(128))
      .max(16)
      .default([])
      .describe('Labels that split a rule\'s alerts into separate messages besides rule_id (e.g. [service]); empty: one message per rule'),
    groupWaitMs: z.number().int().min(0).max(3_600_000).default(30_000).describe('How long the first alert of a group waits for others before the message goes out'),
    repeatIntervalMs: z.number().int().min(60_000).max(7 * 24 * 3_600_000).default(4 * 3_600_000).describe('A FIRING alert not yet resolved is notified again after this long'),
    maxAlertsPerMessage: z.number().int().min(1).max(200).default(20).describe('Alerts shown in full in one message; the rest are listed by service only'),
  })
  .strict()
  .prefault({})
  .describe('How alerts are grouped into messages (grouping policy: one message per rule_id + byLabels values, state and channel)');

const deliverySchema = z
  .object({
    pollIntervalMs: z.number().int().min(10).max(60_000).default(1000).describe('Wait between two looks for due notifications'),
    inlineRetries: z.number().int().min(0).max(10).default(2).describe('Immediate retries of one send (lib/retry backoff) before the group is rescheduled'),
    retryInitialDelayMs: z.number().int().min(10).max(3_600_000).default(1000).describe('First wait before a rescheduled group is tried again; doubles per attempt (full jitter)'),
    retryMaxDelayMs: z.number().int().min(10).max(3_600_000).default(60_000).describe('Longest wait between two attempts of one group'),
    maxAttempts: z.number().int().min(1).max(100_000).default(1000).describe('Attempts after which a notification is marked failed'),
    maxGroupsPerTick: z.number().int().min(1).max(1000).default(50).describe('Groups sent concurrently in one pass; a slow channel delays only its own groups'),
  })
  .strict()
  .prefault({})
  .describe('Retries and scheduling of deliveries');

const smtpSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('SMTP server host'),
    port: z.number().int().min(1).max(65_535).default(1025).describe('SMTP server port'),
    secure: z.boolean().default(false).describe('Implicit TLS from the first byte (port 465); false: plain, upgraded by STARTTLS when offered'),
    requireTls: z.boolean().default(false).describe('Refuse to send unless STARTTLS succeeds (when secure is false)'),
    tlsRejectUnauthorized: z.boolean().default(true).describe('Verify the server certificate'),
    user: z.string().min(1).optional().describe('SMTP AUTH user; no authentication when absent'),
    password: z.string().min(1).optional().describe('SMTP AUTH password'),
    connectionTimeoutMs: z.number().int().min(100).max(300_000).default(10_000).describe('Longest wait for the SMTP connection'),
    socketTimeoutMs: z.number().int().min(100).max(600_000).default(30_000).describe('Longest silence of the SMTP server during one send'),
  })
  .strict()
  .prefault({})
  .describe('The SMTP server (nodemailer)');

const emailSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Send notifications by email'),
    from: z.string().min(3).max(320).default('sawmill@localhost').describe('From address'),
    to: z.array(z.string().min(3).max(320)).max(100).default([]).describe('Recipients of every notification; required when enabled'),
    smtp: smtpSchema,
  })
  .strict()
  .prefault({})
  .describe('The email channel');

const webhookSchema = z
  .object({
    enabled: z.boolean().default(false).describe('POST every notification as JSON to url'),
    url: z.string().url().optional().describe('Receiver URL (http or https); required when enabled'),
    secret: z.string().min(32).optional().describe('HMAC-SHA256 key of the x-sawmill-signature header (at least 32 characters); required when enabled'),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('Longest wait for the receiver\'s answer'),
  })
  .strict()
  .prefault({})
  .describe('The webhook channel (JSON POST, HMAC-signed)');

/** The whole notifier config. */
export const notifierConfigSchema = z
  .object({
    kafka: kafkaSchema,
    registry: registrySchema,
    postgres: postgresSchema,
    grouping: groupingSchema,
    delivery: deliverySchema,
    email: emailSchema,
    webhook: webhookSchema,
    dashboardUrl: z.string().url().default('http://127.0.0.1:8080').describe('Base URL of the dashboard; messages link to <dashboardUrl>/#/search?service=...&from=...&to=...'),
    metricsPort: z.number().int().min(0).max(65_535).default(9404).describe('Port of /metrics, /healthz and /readyz'),
    metricsHost: z.string().default('127.0.0.1').describe('Address of /metrics, /healthz and /readyz'),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.email.enabled && config.email.to.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['email', 'to'], message: 'email is enabled but has no recipient' });
    }
    if ((config.email.smtp.user === undefined) !== (config.email.smtp.password === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['email', 'smtp', 'user'], message: 'give both user and password, or neither' });
    }
    if (config.webhook.enabled && (config.webhook.url === undefined || config.webhook.secret === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['webhook'], message: 'webhook is enabled but url or secret is missing' });
    }
    if (config.delivery.retryMaxDelayMs < config.delivery.retryInitialDelayMs) {
      ctx.addIssue({ code: 'custom', path: ['delivery', 'retryMaxDelayMs'], message: 'must be >= retryInitialDelayMs' });
    }
    if (!config.email.enabled && !config.webhook.enabled) {
      ctx.addIssue({ code: 'custom', path: ['email', 'enabled'], message: 'no channel is enabled' });
    }
  });

/** The validated notifier config. */
export type NotifierConfig = z.output<typeof notifierConfigSchema>;

/** Channels a notification can go to. */
export type ChannelName = 'email' | 'webhook';
