import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { DEFAULT_E2E_OPTIONS, parseE2eOptions } from './e2e-options.js';

describe('parseE2eOptions', () => {
  it('gives the defaults of the issue with no flags', () => {
    const options = parseE2eOptions([]);
    expect(options).to.deep.equal(DEFAULT_E2E_OPTIONS);
    expect(options.rates[0]).to.equal(2000);
    expect(options.rates.at(-1)).to.equal(30000);
    expect(options.stepS).to.equal(60);
    expect(options.confirmS).to.equal(180);
  });

  it('reads rates and durations, with a space or an equals sign', () => {
    const options = parseE2eOptions(['--rates', '1000,3000', '--step-s=30', '--confirm-s', '60', '--drain-timeout-s', '45']);
    expect(options.rates).to.deep.equal([1000, 3000]);
    expect(options.stepS).to.equal(30);
    expect(options.confirmS).to.equal(60);
    expect(options.drainTimeoutS).to.equal(45);
  });

  it('reads the refinement steps, 0 to 10, defaulting to 2', () => {
    expect(parseE2eOptions([]).refineSteps).to.equal(2);
    expect(parseE2eOptions(['--refine-steps', '0']).refineSteps).to.equal(0);
    expect(parseE2eOptions(['--refine-steps=4']).refineSteps).to.equal(4);
    for (const argv of [['--refine-steps', '-1'], ['--refine-steps', '1.5'], ['--refine-steps', '11'], ['--refine-steps']]) {
      expect(() => parseE2eOptions(argv), argv.join(' ')).to.throw(/--refine-steps/);
    }
  });

  it('refuses unknown flags, missing or non-positive values and rates that do not increase', () => {
    for (const argv of [['--speed', '3'], ['--step-s'], ['--step-s', '0'], ['--confirm-s', 'x'], ['--rates', '3000,1000'], ['--rates', '1000,,2000']]) {
      expect(() => parseE2eOptions(argv), argv.join(' ')).to.throw(ConfigError);
    }
  });
});
