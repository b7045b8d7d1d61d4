/**
 * Parses classic Linux system logs (/var/log/messages), BSD syslog lines as in the loghub
 * sample: `Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; ...`.
 *
 * The syslog part is `syslog-3164.ts` (no level without a PRI; year inferred from the
 * observed time). On top, a PAM-style tag `program(module)` is split: `service` and
 * `fields.program` become the program (`sshd`) and `fields.module` the module (`pam_unix`).
 */
import type { FormatParser } from '../parsed-line.js';
import { parseSyslog3164 } from '../syslog-3164.js';

const PAM_TAG = /^([^()\s]+)\(([^()\s]+)\)$/;

/** Parses a Linux syslog line; undefined when it is not a syslog line. */
export const parseLinux: FormatParser = (line, context) => {
  const parsed = parseSyslog3164(line, context);
  if (parsed === undefined) return undefined;
  parsed.format = 'linux';
  const tag = parsed.service === undefined ? null : PAM_TAG.exec(parsed.service);
  if (tag !== null && tag[1] !== undefined && tag[2] !== undefined) {
    parsed.service = tag[1];
    parsed.fields.program = tag[1];
    parsed.fields.module = tag[2];
  }
  return parsed;
};
