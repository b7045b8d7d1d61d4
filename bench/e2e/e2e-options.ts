/** Command-line options of the end-to-end benchmark (`npx tsx bench/e2e/e2e-bench.ts [--options]`). */
import { ConfigError } from '../../lib/errors.js';

/** Settings of one run; every field has a default (see DEFAULT_E2E_OPTIONS). */
export interface E2eOptions {
  /** Target rates of the ramp, lines/s, increasing; the ramp stops at the first step not sustained. */
  readonly rates: readonly number[];
  /** Bisection steps between the last held and the first failed rate, before confirming (0: none). */
  readonly refineSteps: number;
  /** Seconds each ramp step writes. */
  readonly stepS: number;
  /** Seconds of the confirmation run at the highest sustained rate (the issue asks for at least 180). */
  readonly confirmS: number;
  /** Longest wait, after a step, for every line of it to reach both stores. */
  readonly drainTimeoutS: number;
  /** Longest wait, before the first step, for the agent and the consumers to have nothing pending. */
  readonly settleTimeoutS: number;
  /** Latency probes written per second during a step. */
  readonly probesPerS: number;
  /** A probe not searchable after this long counts as timed out. */
  readonly probeTimeoutS: number;
  /** Where the result JSON goes. */
  readonly resultsDir: string;
}

export const DEFAULT_E2E_OPTIONS: E2eOptions = Object.freeze({
  rates: Object.freeze([2000, 4000, 6000, 8000, 10000, 12000, 15000, 20000, 25000, 30000]),
  refineSteps: 2,
  stepS: 60,
  confirmS: 180,
  drainTimeoutS: 90,
  settleTimeoutS: 120,
  probesPerS: 2,
  probeTimeoutS: 30,
  resultsDir: 'bench/results',
});

const NUMERIC_FLAGS = {
  '--step-s': 'stepS',
  '--confirm-s': 'confirmS',
  '--drain-timeout-s': 'drainTimeoutS',
  '--settle-timeout-s': 'settleTimeoutS',
  '--probes-per-s': 'probesPerS',
  '--probe-timeout-s': 'probeTimeoutS',
} as const;

function positiveNumber(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${flag} needs a positive number, got ${JSON.stringify(text)}`, 'command line', flag);
  }
  return value;
}

/** Parses argv (without node and the script); throws ConfigError naming the flag on anything unknown or malformed. */
export function parseE2eOptions(argv: readonly string[]): E2eOptions {
  const options: { -readonly [K in keyof E2eOptions]: E2eOptions[K] } = { ...DEFAULT_E2E_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === '--rates') {
      const text = value();
      const rates = (text ?? '').split(',').map((part) => positiveNumber('--rates', part));
      for (let r = 1; r < rates.length; r++) {
        if (rates[r]! <= rates[r - 1]!) throw new ConfigError(`--rates must increase, got ${text}`, 'command line', '--rates');
      }
      options.rates = rates;
    } else if (flag === '--refine-steps') {
      const text = value();
      const steps = Number(text);
      if (text === undefined || !/^\d+$/.test(text) || steps > 10) throw new ConfigError(`--refine-steps needs a whole number from 0 to 10, got ${JSON.stringify(text)}`, 'command line', '--refine-steps');
      options.refineSteps = steps;
    } else if (flag === '--results-dir') {
      const text = value();
      if (text === undefined || text === '') throw new ConfigError('--results-dir needs a path', 'command line', '--results-dir');
      options.resultsDir = text;
    } else if (flag in NUMERIC_FLAGS) {
      options[NUMERIC_FLAGS[flag as keyof typeof NUMERIC_FLAGS]] = positiveNumber(flag, value());
    } else {
      throw new ConfigError(`unknown option ${flag}; known: --rates, --refine-steps, --results-dir, ${Object.keys(NUMERIC_FLAGS).join(', ')}`, 'command line', flag);
    }
  }
  return options;
}
