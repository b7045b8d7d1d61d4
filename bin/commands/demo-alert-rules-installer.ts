/**
 * Creates the demo's alert rules (demo-alert-rules.ts) through the REST API, the way an operator
 * would: log in, then `POST /api/v1/alert-rules` each rule by its fixed id. A rule already there
 * (409) is left as it is, so running this again never duplicates a rule nor undoes an operator's
 * edit (to switch a demo rule off for good, disable it rather than delete it: a deleted one comes
 * back at the next start). Going through the API keeps its checks, its audit log and its publish
 * to the alert-rules topic in one place.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, SawmillError, ServiceUnavailableError } from '../../lib/errors.js';
import { DEMO_ALERT_RULES, type DemoAlertRule } from './demo-alert-rules.js';

/** The `alertRules` section of `sawmill demo`'s config; absent means the demo creates no rules. */
export const demoAlertRulesConfigSchema = z
  .object({
    apiUrl: z
      .string()
      .regex(/^https?:\/\/[^/\s]+\/?$/, 'must be http(s)://host[:port]')
      .describe('Base URL of the Sawmill API to create the rules on, e.g. http://127.0.0.1:8080.'),
    username: z.string().min(1).max(64).default('admin').describe('User the demo logs in as; needs the editor role or above.'),
    passwordFile: z.string().min(1).describe("File whose first line is that user's password (kept out of the config and the logs)."),
    retryForMs: z
      .number()
      .int()
      .positive()
      .default(600_000)
      .describe('How long to keep trying while the API is unreachable or answers 5xx (it may start after the demo), in ms.'),
  })
  .strict()
  .describe("Create the demo's alert rules (bin/commands/demo-alert-rules.ts) through this API when missing; no rules when absent.");

/** A validated `alertRules` section. */
export type DemoAlertRulesConfig = z.output<typeof demoAlertRulesConfigSchema>;

/** Options of installDemoAlertRules. */
export interface InstallDemoAlertRulesOptions {
  /** Base URL of the API. */
  readonly apiUrl: string;
  readonly username: string;
  readonly password: string;
  /** The rules to create; default DEMO_ALERT_RULES. */
  readonly rules?: readonly DemoAlertRule[];
  /** Longest one request may take, in ms; default 10 000. */
  readonly requestTimeoutMs?: number;
  /** Aborts the requests in flight. */
  readonly signal?: AbortSignal;
  /** Default: the global fetch (tests inject a fake). */
  readonly fetch?: typeof fetch;
}

/** What one installation found: ids it created and ids that were already there. */
export interface DemoAlertRulesOutcome {
  readonly created: string[];
  readonly existing: string[];
}

/** Reads the password from the first line of `file`; throws ConfigError naming `alertRules.passwordFile`. */
export function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the password file ${file}: ${(error as Error).message}`, file, 'alertRules.passwordFile');
  }
  const password = text.split(/\r?\n/, 1)[0] ?? '';
  if (password === '') throw new ConfigError(`the password file ${file} is empty`, file, 'alertRules.passwordFile');
  return password;
}

/**
 * Logs in and creates every rule that is missing, in one pass. Throws ServiceUnavailableError
 * (retriable) when the API cannot be reached or answers 429 or 5xx, and a non-retriable
 * SawmillError when it refuses the credentials, the role or a rule.
 */
export async function installDemoAlertRules(options: InstallDemoAlertRulesOptions): Promise<DemoAlertRulesOutcome> {
  const base = options.apiUrl.replace(/\/+$/, '');
  const send = async (path: string, body: unknown, token?: string): Promise<{ status: number; text: string }> => {
    const timeout = AbortSignal.timeout(options.requestTimeoutMs ?? 10_000);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal });
    } catch (error) {
      options.signal?.throwIfAborted();
      throw new ServiceUnavailableError(`the API at ${base} did not answer POST ${path}: ${(error as Error).message}`, 'api', error);
    }
    const text = await response.text();
    if (response.status === 429 || response.status >= 500) {
      throw new ServiceUnavailableError(`the API answered POST ${path} with ${response.status}: ${text.slice(0, 300)}`, 'api');
    }
    return { status: response.status, text };
  };

  const login = await send('/api/v1/auth/login', { username: options.username, password: options.password });
  if (login.status !== 200) {
    throw new SawmillError(`the API refused to log in ${options.username} (${login.status}): check alertRules.username and alertRules.passwordFile`);
  }
  const token = (JSON.parse(login.text) as { accessToken?: unknown }).accessToken;
  if (typeof token !== 'string') throw new SawmillError('the API answered the login without an access token');

  const outcome: DemoAlertRulesOutcome = { created: [], existing: [] };
  for (const rule of options.rules ?? DEMO_ALERT_RULES) {
    const answer = await send('/api/v1/alert-rules', rule, token);
    if (answer.status === 201) outcome.created.push(rule.id);
    else if (answer.status === 409) outcome.existing.push(rule.id);
    else throw new SawmillError(`the API refused demo rule ${rule.id} (${answer.status}): ${answer.text.slice(0, 500)}`);
  }
  return outcome;
}
