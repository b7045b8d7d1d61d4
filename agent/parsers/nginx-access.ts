/**
 * Parses nginx access logs in the default `combined` format (and `common`), with the usual
 * additions after it: `rt=`/`request_time=`/`urt=` pairs or a bare trailing
 * `$request_time` in seconds, and a quoted `$http_x_forwarded_for`. See `access-log.ts`.
 */
import { parseAccessLine } from './access-log.js';
import type { FormatParser } from './parsed-line.js';

/** Parses an nginx access-log line; undefined when it is not one. */
export const parseNginxAccess: FormatParser = (line, context) => parseAccessLine(line, context, 'nginx-access', 'seconds');
