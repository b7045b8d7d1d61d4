import { expect } from 'chai';
import { createCanaryLine, isCanaryToken } from './canary-line.js';

describe('createCanaryLine', () => {
  it('stamps a JSON line with the service, the time and a unique token in the message', () => {
    const line = createCanaryLine('sawmill-canary', Date.UTC(2026, 11, 1, 12, 0, 0));
    expect(JSON.parse(line.text)).to.deep.equal({
      timestamp: '2026-12-01T12:00:00.000Z',
      level: 'info',
      service: 'sawmill-canary',
      message: `canary ${line.token}`,
    });
    expect(line.writtenAtMs).to.equal(Date.UTC(2026, 11, 1, 12, 0, 0));
    expect(isCanaryToken(line.token)).to.equal(true);
    expect(line.text).not.to.include('\n');
  });

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => createCanaryLine('s').token));
    expect(tokens.size).to.equal(1000);
  });

  it('refuses tokens of another shape', () => {
    for (const bad of ['', 'sawmillcanary', 'sawmillcanary0123456789abcdef01234567X', '*', 'sawmillcanary0123456789ABCDEF01234567', 'x sawmillcanary0123456789abcdef01234567']) {
      expect(isCanaryToken(bad), bad).to.equal(false);
    }
  });
});
