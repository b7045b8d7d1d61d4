/**
 * The normalized level of a raw event, from the first source that has a recognisable one:
 * 1. the agent's `level` (already normalized when the agent parsed the line);
 * 2. `parsedFields.levelText` (the severity as written, e.g. `warning`, `<3>`, `E`);
 * 3. a structured field: `level`, `severity`, `lvl`, `loglevel`, `log_level`, `levelname`,
 *    `log.level`, `@l`, `severity_text`, `SeverityText`, `syslog.severity`, `priority`,
 *    `PRIORITY` (journald's syslog severity), in that order; then an OpenTelemetry
 *    `severity_number` / `SeverityNumber` (1..24);
 * 4. a glog header at the start of the message (`E1201 10:22:54.123456 ...`).
 * Every spelling `agent/parsers/level.ts` knows is accepted (text, syslog numbers, pino numbers,
 * Java / Python / Go names, single letters). Nothing recognisable gives UNKNOWN, with the
 * text as written kept in levelText when there was one.
 */
import { levelFromOtelSeverityNumber, normalizeLevel } from '../../agent/parsers/level.js';
import type { RawLogEvent } from '../../agent/raw-event.js';
import type { LogLevel } from '../../schemas/log-schemas.js';
import type { GlogHeader } from './glog-prefix.js';
import { ownString } from './own-fields.js';

/** Structured keys read for a level, in priority order. */
export const LEVEL_FIELD_KEYS: readonly string[] = [
  'level', 'severity', 'lvl', 'loglevel', 'log_level', 'levelname', 'log.level', '@l', 'severity_text', 'SeverityText', 'syslog.severity', 'priority', 'PRIORITY',
];
/** Structured keys holding an OpenTelemetry SeverityNumber. */
export const OTEL_SEVERITY_NUMBER_KEYS: readonly string[] = ['severity_number', 'SeverityNumber'];

/** Longest level text kept as written; longer values are not levels. */
const MAX_LEVEL_TEXT = 64;

/** The resolved level, the text it was read from, and the parsed-field key consumed (to drop it from `fields`). */
export interface ResolvedLevel {
  level: LogLevel;
  levelText: string | null;
  /** The parsedFields key the level came from, or null (the agent's level, a glog header, or none). */
  sourceKey: string | null;
}

/** Resolves the level of `raw` by the order in the file header; `glog` is the message's glog header, if any. */
export function resolveLevel(raw: Pick<RawLogEvent, 'level' | 'parsedFields'>, glog: GlogHeader | undefined): ResolvedLevel {
  const fields = raw.parsedFields;
  const rawText = ownString(fields, 'levelText');
  const levelText = rawText !== undefined && rawText.length <= MAX_LEVEL_TEXT ? rawText : undefined;
  if (typeof raw.level === 'string') {
    const level = normalizeLevel(raw.level);
    if (level !== undefined) return { level, levelText: levelText ?? null, sourceKey: levelText === undefined ? null : 'levelText' };
  }
  if (levelText !== undefined) {
    const level = normalizeLevel(levelText);
    if (level !== undefined) return { level, levelText, sourceKey: 'levelText' };
  }
  for (const key of LEVEL_FIELD_KEYS) {
    const text = ownString(fields, key);
    if (text === undefined || text.length > MAX_LEVEL_TEXT) continue;
    const level = normalizeLevel(text);
    if (level !== undefined) return { level, levelText: text, sourceKey: key };
  }
  for (const key of OTEL_SEVERITY_NUMBER_KEYS) {
    const text = ownString(fields, key);
    if (text === undefined || !/^\d{1,2}$/.test(text)) continue;
    const level = levelFromOtelSeverityNumber(Number(text));
    if (level !== undefined) return { level, levelText: text, sourceKey: key };
  }
  if (glog !== undefined) {
    const level = normalizeLevel(glog.letter);
    if (level !== undefined) return { level, levelText: glog.letter, sourceKey: null };
  }
  return { level: 'UNKNOWN', levelText: levelText ?? null, sourceKey: levelText === undefined ? null : 'levelText' };
}
