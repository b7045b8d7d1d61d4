/**
 * Configuration of the demo log source (`sawmill demo`): a strict zod schema with
 * a description on every key, its parser, and the mapping to runDemoSource options.
 */
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { DEFAULT_RAW_TOPIC } from './kafka-sink.js';
import type { DemoSourceOptions } from './run.js';
import { DEMO_SERVICE_NAMES } from './services.js';

const serviceName = z
  .string()
  .refine((name) => DEMO_SERVICE_NAMES.includes(name), {
    message: `must be one of ${DEMO_SERVICE_NAMES.join(', ')}`,
  })
  .describe(`A demo service: ${DEMO_SERVICE_NAMES.join(', ')}.`);

const fixedIncident = z
  .object({
    service: serviceName.describe('The service whose error rate and latency jump.'),
    startsAtMs: z.number().int().nonnegative().describe('Start of the incident, ms since the Unix epoch.'),
    durationMs: z.number().int().positive().describe('Length of the incident in ms.'),
  })
  .strict()
  .describe('One fixed incident window.');

/** The demo source's configuration schema; unknown keys are rejected. */
export const demoSourceConfigSchema = z
  .object({
    rate: z
      .union([z.number().positive(), z.literal('max')])
      .default(200)
      .describe("Target lines per second across all services, or 'max' to run as fast as the outputs accept."),
    seed: z
      .number()
      .int()
      .nonnegative()
      .max(0xffffffff)
      .default(1)
      .describe('Seed of the generator and the incident schedule: the same seed reproduces the same lines and incidents.'),
    durationMs: z.number().int().positive().optional().describe('Stop after this many ms; runs until stopped when absent.'),
    maxLines: z.number().int().positive().optional().describe('Stop after this many lines; unbounded when absent.'),
    services: z
      .array(serviceName)
      .min(1)
      .optional()
      .describe('Only generate for these services; all demo services when absent.'),
    dir: z
      .string()
      .min(1)
      .optional()
      .describe('Write log files to <dir>/<service>/<host>.log (for the agent to tail); no files when absent.'),
    rotateBytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Rotate each log file (rename to .1 and create anew) before it grows past this many bytes; needs dir.'),
    kafka: z
      .object({
        brokers: z.array(z.string().min(1)).min(1).describe('Kafka bootstrap brokers, host:port.'),
        topic: z.string().min(1).default(DEFAULT_RAW_TOPIC).describe('Topic the raw lines are produced to.'),
      })
      .strict()
      .optional()
      .describe('Produce lines directly to Kafka, bypassing the agent; no Kafka output when absent.'),
    metricsPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(9406)
      .describe('Port of /metrics, /healthz and /readyz (0 picks a free one); used by `sawmill demo`.'),
    metricsHost: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address the metrics and health endpoints bind to; 0.0.0.0 in a container so Prometheus can scrape it.'),
    incident: z
      .union([z.literal('auto'), z.literal('off'), fixedIncident])
      .default('auto')
      .describe("'auto': one seeded incident every 5 minutes lasting 60 s; 'off': none; or one fixed window."),
  })
  .strict()
  .refine((config) => config.dir !== undefined || config.kafka !== undefined, {
    message: 'at least one output (dir or kafka) is required',
    path: ['dir'],
  })
  .refine((config) => config.rotateBytes === undefined || config.dir !== undefined, {
    message: 'rotateBytes needs dir',
    path: ['rotateBytes'],
  })
  .describe('The demo log source: synthetic logs of several services, to files and/or Kafka.');

/** A validated demo source configuration, defaults filled in. */
export type DemoSourceConfig = z.infer<typeof demoSourceConfigSchema>;

/** Renders a zod issue path as a dotted key, e.g. `kafka.brokers[0]`. */
function dottedKey(path: readonly PropertyKey[]): string {
  let key = '';
  for (const segment of path) {
    if (typeof segment === 'number') key += `[${segment}]`;
    else key += key === '' ? String(segment) : `.${String(segment)}`;
  }
  return key;
}

/**
 * Validates raw configuration (from a file, flags or the environment) and fills
 * in defaults; throws ConfigError naming the first offending key and `source`.
 */
export function parseDemoSourceConfig(input: unknown, source: string): DemoSourceConfig {
  const parsed = demoSourceConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // An unknown key is reported on its parent object; name the key itself, which is what the user must fix.
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const key = dottedKey(path);
  throw new ConfigError(`${source}: ${key === '' ? 'config' : key}: ${issue.message}`, source, key);
}

/** Maps a validated configuration to runDemoSource options. */
export function demoSourceOptionsFromConfig(
  config: DemoSourceConfig,
  runtime: { readonly logger: Logger; readonly signal?: AbortSignal },
): DemoSourceOptions {
  return {
    ratePerSecond: config.rate,
    seed: config.seed,
    durationMs: config.durationMs,
    maxLines: config.maxLines,
    services: config.services,
    incident: config.incident,
    outputs: {
      dir: config.dir,
      rotateBytes: config.rotateBytes,
      kafka: config.kafka,
    },
    logger: runtime.logger,
    signal: runtime.signal,
  };
}
