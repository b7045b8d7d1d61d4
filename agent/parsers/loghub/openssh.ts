/**
 * Parses OpenSSH server logs, which are BSD syslog lines from `sshd` as in the loghub sample:
 * `Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186`.
 *
 * The syslog part is `syslog-3164.ts` (no level without a PRI; year inferred from the
 * observed time). On top, the user, source address and port that sshd messages name
 * (`user webmaster`, `from 1.2.3.4`, `rhost=1.2.3.4`, `port 52683`) become fields, so that
 * failed logins can be grouped by source. Lines from programs other than sshd are not this format.
 */
import type { FormatParser } from '../parsed-line.js';
import { parseSyslog3164 } from '../syslog-3164.js';

const USER = /\b(?:user|for(?: invalid user)?) ([^\s;]{1,64})(?= from| \[| port|$)/;
const SOURCE = /\b(?:from|rhost=) ?(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]{3,39})\b/;
const PORT = /\bport (\d{1,5})\b/;

/** Parses an sshd syslog line; undefined when it is not one. */
export const parseOpenssh: FormatParser = (line, context) => {
  const parsed = parseSyslog3164(line, context);
  if (parsed === undefined || parsed.service !== 'sshd') return undefined;
  parsed.format = 'openssh';
  const message = parsed.message.length > 1024 ? parsed.message.slice(0, 1024) : parsed.message;
  const user = USER.exec(message);
  if (user !== null && user[1] !== undefined) parsed.fields.user = user[1];
  const source = SOURCE.exec(message);
  if (source !== null && source[1] !== undefined) parsed.fields.source_ip = source[1];
  const port = PORT.exec(message);
  if (port !== null) parsed.fields.source_port = Number(port[1]);
  return parsed;
};
