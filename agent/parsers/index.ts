/**
 * The log parsers' public entry: `createParser(config)` for one source, the config schema
 * the agent embeds, and the building blocks the enrich step reuses (level and timestamp
 * normalization, latency extraction, multiline assembly). The agent and `sawmill parse`
 * both go through `createParser`, so there is one implementation of "how Sawmill reads a line".
 */
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.js';
import { parseApacheAccess } from './apache-access.js';
import { parseApacheError } from './apache-error.js';
import { createAutoDetector } from './auto-detect.js';
import { createCriParser } from './cri.js';
import { parseJson } from './json.js';
import { latencyFromText } from './latency.js';
import { parseLogfmt } from './logfmt.js';
import { parseHadoop } from './loghub/hadoop.js';
import { parseHdfs } from './loghub/hdfs.js';
import { parseLinux } from './loghub/linux.js';
import { parseOpenssh } from './loghub/openssh.js';
import { parseSpark } from './loghub/spark.js';
import { parseZookeeper } from './loghub/zookeeper.js';
import { parseNginxAccess } from './nginx-access.js';
import { parseNginxError } from './nginx-error.js';
import type { FormatParser, ParseContext, ParsedLine } from './parsed-line.js';
import { parsePlainLine } from './plain.js';
import { createRegexParser, DEFAULT_REGEX_MAX_LINE_LENGTH } from './regex.js';
import { parseSyslog3164 } from './syslog-3164.js';
import { parseSyslog5424 } from './syslog-5424.js';
import { isValidTimeZone, TIMESTAMP_ASSUMPTIONS } from './timestamp.js';

export type { FieldValue, FormatParser, NormalizedLevel, ParseContext, ParsedLine } from './parsed-line.js';
export { NORMALIZED_LEVELS, setField } from './parsed-line.js';
export { levelFromHttpStatus, levelFromNumber, levelFromSyslogSeverity, normalizeLevel } from './level.js';
export { parseTimestamp, TIMESTAMP_ASSUMPTIONS } from './timestamp.js';
export { latencyFromFields, latencyFromText, parseDuration } from './latency.js';
export { createAutoDetector, type AutoDetector } from './auto-detect.js';
export { createCriParser, splitCriLine, type CriLine } from './cri.js';
export { CriPartialAssembler, type CriJoinedLine } from './cri-partial.js';
export { MultilineAssembler, multilineConfigSchema, type MultilineConfigInput, type MultilineEvent } from './multiline.js';

/**
 * Every value `format` accepts. `syslog` tries RFC 5424 then RFC 3164; `apache` is the loghub
 * Apache sample (an Apache error log); `cri` is the Kubernetes container log format, its
 * message auto-detected.
 */
export const PARSER_FORMATS = [
  'auto', 'json', 'logfmt', 'regex', 'cri', 'syslog', 'syslog-3164', 'syslog-5424', 'nginx-access', 'apache-access',
  'nginx-error', 'apache-error', 'hdfs', 'hadoop', 'spark', 'zookeeper', 'openssh', 'linux', 'apache', 'plain',
] as const;

/** A value of `format`. */
export type ParserFormat = (typeof PARSER_FORMATS)[number];

const parseSyslogAny: FormatParser = (line, context) => parseSyslog5424(line, context) ?? parseSyslog3164(line, context);

const FIXED: Readonly<Record<Exclude<ParserFormat, 'auto' | 'regex' | 'cri'>, FormatParser>> = {
  json: parseJson,
  logfmt: parseLogfmt,
  syslog: parseSyslogAny,
  'syslog-3164': parseSyslog3164,
  'syslog-5424': parseSyslog5424,
  'nginx-access': parseNginxAccess,
  'apache-access': parseApacheAccess,
  'nginx-error': parseNginxError,
  'apache-error': parseApacheError,
  hdfs: parseHdfs,
  hadoop: parseHadoop,
  spark: parseSpark,
  zookeeper: parseZookeeper,
  openssh: parseOpenssh,
  linux: parseLinux,
  apache: parseApacheError,
  plain: (line, context) => parsePlainLine(line, context),
};

/** How a source's lines are parsed (strict: unknown keys are rejected). */
export const parserConfigSchema = z
  .object({
    format: z.enum(PARSER_FORMATS).default('auto').describe('Line format; `auto` recognises JSON, logfmt, CRI (Kubernetes container logs), syslog, access/error logs and the loghub formats per line'),
    pattern: z.string().min(1).max(4096).optional().describe('For format `regex`: a regular expression with named groups (timestamp, level, message, host, service, trace_id, span_id; others become fields)'),
    timezone: z
      .string()
      .refine(isValidTimeZone, { message: 'unknown time zone; use an IANA name such as Europe/Paris' })
      .optional()
      .describe(`IANA zone for timestamps written without an offset; UTC when omitted. ${TIMESTAMP_ASSUMPTIONS}`),
    maxLineLength: z.number().int().positive().max(16 * 1024 * 1024).default(DEFAULT_REGEX_MAX_LINE_LENGTH).describe('For format `regex`: characters of a line the pattern is matched against (guards against slow patterns)'),
    latencyFromText: z.boolean().default(true).describe('Look for a latency in the message text (took 12ms, duration=1.2s, rt=0.045) when no structured field has one'),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.format === 'regex' && config.pattern === undefined) ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'format regex needs a pattern' });
    if (config.format !== 'regex' && config.pattern !== undefined) ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'pattern is only used with format regex' });
  })
  .describe('How the lines of a source are parsed');

/** Parser config as written (before defaults). */
export type ParserConfigInput = z.input<typeof parserConfigSchema>;
/** Parser config after validation and defaults. */
export type ParserConfig = z.output<typeof parserConfigSchema>;

/** A ready parser for one source. */
export interface LineParser {
  /** The configured format. */
  readonly format: ParserFormat;
  /**
   * Parses one line (without its terminator). Never throws and never returns nothing: a
   * line the format does not recognise gets the plain parse (`format: 'plain'`), because the
   * agent ships every line.
   */
  parse(line: string, context?: Pick<ParseContext, 'now'>): ParsedLine;
}

/**
 * Builds the parser for a source; throws ConfigError (naming the key, with `source` as the
 * origin) on an invalid config, e.g. a regex that does not compile or an unknown zone.
 */
export function createParser(config: ParserConfigInput = {}, source = 'parser config'): LineParser {
  const parsed = parserConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new ConfigError(`invalid parser config${key === '' ? '' : ` at ${key}`}: ${issue?.message ?? 'unknown problem'}`, source, key);
  }
  const { format, pattern, timezone, maxLineLength, latencyFromText: scanText } = parsed.data;
  let parseOne: (line: string, context: ParseContext) => ParsedLine;
  if (format === 'auto') {
    const detector = createAutoDetector();
    parseOne = (line, context) => detector.parse(line, context);
  } else {
    let parser: FormatParser;
    if (format === 'regex') {
      try {
        parser = createRegexParser({ pattern: pattern ?? '', maxLineLength });
      } catch (error) {
        if (error instanceof ConfigError) throw new ConfigError(error.message, source, 'pattern');
        throw error;
      }
    } else if (format === 'cri') {
      // Per source, so the inner detector's stickiness follows this source's containers.
      const inner = createAutoDetector({ cri: false });
      parser = createCriParser((message, context) => inner.parse(message, context));
    } else parser = FIXED[format];
    parseOne = (rawLine, context) => {
      const line = rawLine.charCodeAt(rawLine.length - 1) === 13 ? rawLine.slice(0, -1) : rawLine;
      return parser(line, context) ?? parsePlainLine(line, context);
    };
  }
  return {
    format,
    parse(line, context = {}) {
      const full: ParseContext = timezone === undefined ? { now: context.now } : { now: context.now, timeZone: timezone };
      const result = parseOne(line, full);
      if (scanText && result.latencyMs === undefined) {
        const latency = latencyFromText(result.message);
        if (latency !== undefined) result.latencyMs = latency;
      }
      return result;
    },
  };
}
