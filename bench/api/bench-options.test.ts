import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { parseBenchOptions } from './bench-options.js';

describe('bench/api bench-options', () => {
  it('fills in the defaults: 1,000,000 logs over 3 days, 20 req/s for 30 s', () => {
    expect(parseBenchOptions([])).to.deep.equal({ docs: 1_000_000, days: 3, rate: 20, durationSeconds: 30, connections: 64, bulkConcurrency: 3, reload: false, only: [] });
  });

  it('takes the environment as defaults and the command line over it, in both spellings', () => {
    const options = parseBenchOptions(['--rate=50', '--days', '4', '--reload', '--only', 'search, stats-volume-24h'], { BENCH_API_RATE: '7', BENCH_API_DOCS: '2000000', BENCH_API_DURATION_S: '10' });
    expect(options).to.deep.equal({ docs: 2_000_000, days: 4, rate: 50, durationSeconds: 10, connections: 64, bulkConcurrency: 3, reload: true, only: ['search', 'stats-volume-24h'] });
  });

  it('refuses unknown options, missing values, non-integers and out-of-range values, naming the option', () => {
    const cases: Array<[string[], Record<string, string>, RegExp, string]> = [
      [['--rat', '5'], {}, /unknown option "--rat"/, '--rat'],
      [['--rate'], {}, /--rate needs a value/, 'rate'],
      [['--rate', '1.5'], {}, /--rate must be an integer, got "1.5"/, 'rate'],
      [['--rate', '-3'], {}, /--rate must be an integer/, 'rate'],
      [['--docs', '999'], {}, /--docs must be between 1000 and 100000000, got 999/, 'docs'],
      [['--days', '0'], {}, /--days must be between 1 and 30/, 'days'],
      [[], { BENCH_API_RATE: '1e3' }, /--rate must be an integer, got "1e3"/, 'rate'],
      [['--duration-s', '9'.repeat(12)], {}, /--duration-s must be an integer/, 'duration-s'],
    ];
    for (const [argv, env, message, key] of cases) {
      let caught: unknown;
      try {
        parseBenchOptions(argv, env);
      } catch (error) {
        caught = error;
      }
      expect(caught, argv.join(' ')).to.be.instanceOf(ConfigError);
      expect((caught as ConfigError).message).to.match(message);
      expect((caught as ConfigError).key).to.equal(key);
    }
  });
});
