/**
 * Joins physical lines into log events, like Filebeat's `multiline` and Vector's
 * `multiline` settings, as a pure object: the caller pushes lines and receives completed
 * events, and calls `flush()` itself when its timeout expires (the assembler keeps no timer).
 *
 * Rules:
 * - `startPattern`: a line matching it starts a new event; any other line is appended to
 *   the current one (a continuation arriving with no current event starts one);
 * - preset `java`: a line is a continuation when it starts with whitespace + `at `,
 *   `Caused by:`, `Suppressed:`, `... N more`, or when it does not start with a timestamp
 *   (ISO or slash date, compact HDFS date, syslog month, `[date`) or a `{`; everything else
 *   starts an event. Stack traces thus stay with the line that logged them.
 * - Limits: when appending a line would exceed `maxLines` (default 500) or `maxBytes`
 *   (default 1 Mi characters, counted as UTF-16 code units, not encoded bytes), the current
 *   event is emitted as it is (`split: true`) and the line starts the next one. Nothing is
 *   dropped: the agent promises no lost lines, so an oversized event is split, not truncated.
 *
 * Each line may carry a caller value (`meta`, e.g. its file offset); an event reports the
 * first and last line's values so a tailer can checkpoint at the end of the last line.
 */
import { z } from 'zod';
import { ConfigError } from '../../lib/errors.js';
import { findNestedQuantifier } from './regex.js';

/** Default most lines in one event. */
export const DEFAULT_MULTILINE_MAX_LINES = 500;
/** Default most characters in one event. */
export const DEFAULT_MULTILINE_MAX_BYTES = 1024 * 1024;
/** Default time after the last line before the caller should flush a pending event. */
export const DEFAULT_MULTILINE_TIMEOUT_MS = 1000;

/** Config of a source's multiline rule (strict: unknown keys are rejected). */
export const multilineConfigSchema = z
  .object({
    preset: z.enum(['java']).optional().describe('Built-in rule: `java` joins stack traces (at ..., Caused by:, ... N more) to the line before'),
    startPattern: z.string().min(1).max(1024).optional().describe('Regular expression: a line matching it starts a new event; other lines are appended'),
    maxLines: z.number().int().positive().max(100_000).default(DEFAULT_MULTILINE_MAX_LINES).describe('Most lines in one event; more start a new event'),
    maxBytes: z.number().int().positive().max(4 * 1024 * 1024).default(DEFAULT_MULTILINE_MAX_BYTES).describe('Most characters in one event; more start a new event. At most 4 Mi so an event stays under the 8 MiB max.message.bytes of logs.raw'),
    timeoutMs: z.number().int().positive().max(600_000).default(DEFAULT_MULTILINE_TIMEOUT_MS).describe('Flush a pending event after this long without a new line'),
  })
  .strict()
  .refine((c) => (c.preset === undefined) !== (c.startPattern === undefined), { message: 'set exactly one of preset and startPattern' });

/** Multiline config as written in a source (before defaults). */
export type MultilineConfigInput = z.input<typeof multilineConfigSchema>;

/** One assembled event. */
export interface MultilineEvent<M> {
  /** The joined lines, separated by `\n`. */
  text: string;
  /** How many physical lines were joined (the sum of the counts given to `push`). */
  lines: number;
  /** True when a limit cut the event and the next event continues it. */
  split: boolean;
  /** The caller value of the first line. */
  firstMeta: M;
  /** The caller value of the last line. */
  lastMeta: M;
}

const JAVA_CONTINUATION = /^(?:\s+at |\s*Caused by:|\s*Suppressed:|\s*\.\.\. \d+ (?:more|common frames omitted))/;
const TIMESTAMP_START = /^(?:\[?\d{4}[-/]\d{2}[-/]\d{2}|\d{2}\/\d{2}\/\d{2} |\d{6} \d{6} |[A-Z][a-z]{2} [ \d]\d |\[[A-Z][a-z]{2} [A-Z][a-z]{2} |\{|<\d{1,3}>|[IWEF]\d{4} )/;

/** True when a line starts an event under the `java` preset. */
export function isJavaEventStart(line: string): boolean {
  return !JAVA_CONTINUATION.test(line) && TIMESTAMP_START.test(line);
}

/** Joins lines into events; create one per source. */
export class MultilineAssembler<M = undefined> {
  private readonly isStart: (line: string) => boolean;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private parts: string[] = [];
  private bytes = 0;
  private physicalLines = 0;
  private firstMeta: M | undefined;
  private lastMeta: M | undefined;

  /** Validates `config` (ConfigError on a bad one) and prepares the rule. */
  constructor(config: MultilineConfigInput) {
    const parsed = multilineConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`invalid multiline config: ${issue?.message ?? 'unknown problem'}`, 'multiline config', issue?.path.join('.') ?? '');
    }
    const { preset, startPattern, maxLines, maxBytes } = parsed.data;
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
    if (preset === 'java') this.isStart = isJavaEventStart;
    else {
      let regex: RegExp;
      try {
        regex = new RegExp(startPattern ?? '', 'u');
      } catch (error) {
        throw new ConfigError(`invalid multiline startPattern: ${(error as Error).message}`, 'multiline config', 'startPattern');
      }
      const nested = findNestedQuantifier(startPattern ?? '');
      if (nested !== undefined) throw new ConfigError(`multiline startPattern repeats a repeating group (${nested}); rewrite it without nested quantifiers`, 'multiline config', 'startPattern');
      // Start patterns describe the beginning of a line; looking further is wasted work.
      this.isStart = (line) => regex.test(line.length > 1024 ? line.slice(0, 1024) : line);
    }
  }

  /** True when an event is waiting for more lines (the caller's flush timer should run). */
  get pending(): boolean {
    return this.parts.length > 0;
  }

  /**
   * Adds one line; returns the events it completed (zero, or one; rarely two when a limit
   * splits). `physicalLines` is how many lines of the input it stands for (more than one when
   * an earlier stage, such as CRI partial joining, already joined some).
   */
  push(line: string, meta?: M, physicalLines = 1): MultilineEvent<M>[] {
    const out: MultilineEvent<M>[] = [];
    if (this.parts.length > 0) {
      if (this.isStart(line)) out.push(this.take(false));
      else if (this.parts.length + 1 > this.maxLines || this.bytes + line.length + 1 > this.maxBytes) out.push(this.take(true));
    }
    if (this.parts.length === 0) this.firstMeta = meta;
    this.parts.push(line);
    this.physicalLines += physicalLines;
    this.bytes += line.length + (this.parts.length > 1 ? 1 : 0);
    this.lastMeta = meta;
    // A single line larger than maxBytes is still one event; the agent truncates it with a flag.
    return out;
  }

  /** Emits the pending event, if any (on timeout, end of file or shutdown). */
  flush(): MultilineEvent<M> | undefined {
    return this.parts.length === 0 ? undefined : this.take(false);
  }

  private take(split: boolean): MultilineEvent<M> {
    const event: MultilineEvent<M> = {
      text: this.parts.length === 1 ? (this.parts[0] ?? '') : this.parts.join('\n'),
      lines: this.physicalLines,
      split,
      firstMeta: this.firstMeta as M,
      lastMeta: this.lastMeta as M,
    };
    this.parts = [];
    this.bytes = 0;
    this.physicalLines = 0;
    return event;
  }
}
