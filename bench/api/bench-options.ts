/**
 * Command-line options of the API bench (`bench/api/api-bench.ts`), with the environment
 * overrides `infra/local/run-bench` passes. Every value is checked before anything starts.
 */
import { ConfigError } from '../../lib/errors.js';

/** What the bench does, after defaults are filled in. */
export interface ApiBenchOptions {
  /** Logs stored in OpenSearch (and counted in stats_windowed); at least this many must be there. */
  readonly docs: number;
  /** Days the logs are spread over (one daily index each), ending at `endMs`. */
  readonly days: number;
  /** Requests per second autocannon sends in every scenario (`overallRate`). */
  readonly rate: number;
  /** Seconds each scenario runs. */
  readonly durationSeconds: number;
  /** Connections autocannon keeps open: rate × the slowest expected answer, so slow answers do not lower the offered rate. */
  readonly connections: number;
  /** Bulk requests the loader keeps in flight. */
  readonly bulkConcurrency: number;
  /** Drop and load the data again even when a loaded bench index exists. */
  readonly reload: boolean;
  /** Only these scenarios (by name); all when empty. */
  readonly only: readonly string[];
}

const DEFAULTS = { docs: 1_000_000, days: 3, rate: 20, durationSeconds: 30, connections: 64, bulkConcurrency: 3 } as const;

function positiveInt(name: string, text: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(text)) throw new ConfigError(`--${name} must be an integer, got ${JSON.stringify(text)}`, 'command line', name);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(`--${name} must be between ${min} and ${max}, got ${value}`, 'command line', name);
  return value;
}

/**
 * Parses `argv` (the arguments after the script) with `env` (BENCH_API_DOCS, BENCH_API_RATE,
 * BENCH_API_DURATION_S) as defaults; throws ConfigError naming the option on anything unknown
 * or out of range.
 */
export function parseBenchOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ApiBenchOptions {
  const values: Record<string, string> = {};
  if (env['BENCH_API_DOCS'] !== undefined) values['docs'] = env['BENCH_API_DOCS'];
  if (env['BENCH_API_RATE'] !== undefined) values['rate'] = env['BENCH_API_RATE'];
  if (env['BENCH_API_DURATION_S'] !== undefined) values['duration-s'] = env['BENCH_API_DURATION_S'];
  let reload = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--reload') {
      reload = true;
      continue;
    }
    const match = /^--(docs|days|rate|duration-s|connections|bulk-concurrency|only)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new ConfigError(`unknown option ${JSON.stringify(arg)}`, 'command line', arg);
    const value = match[2] ?? argv[(i += 1)];
    if (value === undefined) throw new ConfigError(`--${match[1]} needs a value`, 'command line', match[1]!);
    values[match[1]!] = value;
  }
  const int = (name: string, fallback: number, min: number, max: number): number => (values[name] === undefined ? fallback : positiveInt(name, values[name]!, min, max));
  const only = (values['only'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return {
    docs: int('docs', DEFAULTS.docs, 1000, 100_000_000),
    days: int('days', DEFAULTS.days, 1, 30),
    rate: int('rate', DEFAULTS.rate, 1, 10_000),
    durationSeconds: int('duration-s', DEFAULTS.durationSeconds, 1, 3600),
    connections: int('connections', DEFAULTS.connections, 1, 1000),
    bulkConcurrency: int('bulk-concurrency', DEFAULTS.bulkConcurrency, 1, 32),
    reload,
    only,
  };
}
