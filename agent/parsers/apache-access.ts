/**
 * Parses Apache httpd access logs in the Common Log Format and the `combined` format, with
 * an optional trailing `%D` (request time in microseconds). See `access-log.ts`.
 */
import { parseAccessLine } from './access-log.js';
import type { FormatParser } from './parsed-line.js';

/** Parses an Apache access-log line; undefined when it is not one. */
export const parseApacheAccess: FormatParser = (line, context) => parseAccessLine(line, context, 'apache-access', 'microseconds');
