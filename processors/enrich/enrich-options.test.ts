import { expect } from 'chai';
import { ConfigError } from '../../lib/errors.js';
import { DEFAULT_ENRICH_OPTIONS, resolveEnrichOptions } from './enrich-options.js';

describe('enrich options', () => {
  it('fills defaults in one place', () => {
    expect(DEFAULT_ENRICH_OPTIONS).to.deep.equal({
      maxMessageLength: 65_536, patternMaxLength: 1024, minTimestampMs: 0, maxFutureSkewMs: 86_400_000, maxLatencyMs: 2_592_000_000, latencyFromText: true, traceFromText: true,
    });
    expect(resolveEnrichOptions({ timeZone: 'Europe/Paris' }).timeZone).to.equal('Europe/Paris');
  });
  it('refuses unknown keys and bad values with a ConfigError naming the key', () => {
    expect(() => resolveEnrichOptions({ nope: 1 } as never)).to.throw(ConfigError, /invalid enrich options/);
    try {
      resolveEnrichOptions({ timeZone: 'Mars/Olympus' });
      expect.fail('accepted an unknown zone');
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).key).to.equal('timeZone');
    }
    expect(() => resolveEnrichOptions({ maxMessageLength: 3 })).to.throw(ConfigError, /maxMessageLength/);
  });
});
