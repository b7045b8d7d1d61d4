/**
 * Options of the enrich step: the zod schema the pipeline's config embeds (a description per
 * key, unknown keys refused) and the one place defaults are filled in.
 */
import { z } from 'zod';
import { isValidTimeZone, TIMESTAMP_ASSUMPTIONS } from '../../agent/parsers/timestamp.js';
import { ConfigError } from '../../lib/errors.js';
import { DEFAULT_PATTERN_MAX_LENGTH } from './pattern-id.js';

const DAY_MS = 86_400_000;

/** The enrich step's config (strict). */
export const enrichConfigSchema = z
  .object({
    maxMessageLength: z.number().int().min(256).max(16 * 1024 * 1024).default(65_536).describe('Most characters of `message` kept; the whole text stays in `line`'),
    patternMaxLength: z.number().int().min(16).max(65_536).default(DEFAULT_PATTERN_MAX_LENGTH).describe("Most characters of the message's first line that make its pattern"),
    timeZone: z
      .string()
      .refine(isValidTimeZone, { message: 'unknown time zone; use an IANA name such as Europe/Paris' })
      .optional()
      .describe(`IANA zone for times the enrich step reads itself that carry no offset; UTC when absent. ${TIMESTAMP_ASSUMPTIONS}`),
    minTimestampMs: z.number().int().min(0).default(0).describe('Earliest event time believed (UTC ms); earlier times fall back to the observed time'),
    maxFutureSkewMs: z.number().int().min(0).max(365 * DAY_MS).default(DAY_MS).describe('How far after the observed time an event time may lie and still be believed'),
    maxLatencyMs: z.number().positive().max(365 * DAY_MS).default(30 * DAY_MS).describe('Largest latency believed; larger values are ignored'),
    latencyFromText: z.boolean().default(true).describe('For events no agent parser read: look for a latency in the message text (took 12ms, duration=1.2s, rt=0.045)'),
    traceFromText: z.boolean().default(true).describe('Look for trace and span ids in the message text (trace_id=..., traceparent=...) when no field has them'),
  })
  .strict()
  .describe('The enrich step');

/** Enrich options as written (every key optional). */
export type EnrichOptions = z.input<typeof enrichConfigSchema>;
/** Enrich options with every default filled in. */
export type ResolvedEnrichOptions = z.output<typeof enrichConfigSchema>;

/** The defaults, resolved once. */
export const DEFAULT_ENRICH_OPTIONS: Readonly<ResolvedEnrichOptions> = Object.freeze(enrichConfigSchema.parse({}));

/** Validates `options` and fills in defaults; throws ConfigError naming the bad key. */
export function resolveEnrichOptions(options: EnrichOptions = {}, source = 'enrich options'): ResolvedEnrichOptions {
  const parsed = enrichConfigSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new ConfigError(`invalid enrich options${key === '' ? '' : ` at ${key}`}: ${issue?.message ?? 'unknown problem'}`, source, key);
  }
  return parsed.data;
}
