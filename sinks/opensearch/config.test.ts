import { expect } from 'chai';
import { openSearchSinkConfigSchema, templateNameOf } from './config.js';

describe('sinks/opensearch config', () => {
  it('fills every default', () => {
    const config = openSearchSinkConfigSchema.parse({});
    expect(config).to.deep.equal({
      url: 'http://127.0.0.1:9200',
      indexPrefix: 'sawmill-logs',
      numberOfShards: 1,
      numberOfReplicas: 0,
      refreshInterval: '5s',
      retentionDays: 14,
      retention: 'auto',
      retentionSweepIntervalMs: 3_600_000,
      requestTimeoutMs: 60_000,
      concurrentRequests: 4,
      compression: false,
      maxIndexedFieldBytes: 8192,
    });
    expect(templateNameOf(config)).to.equal('sawmill-logs-template');
  });

  it('refuses unknown keys, bad prefixes and out-of-range numbers', () => {
    const bad = [
      { indexPrefx: 'x' },
      { indexPrefix: 'Upper' },
      { indexPrefix: '_hidden' },
      { indexPrefix: 'a*b' },
      { indexPrefix: 'a b' },
      { indexPrefix: 'x'.repeat(201) },
      { retentionDays: 0 },
      { refreshInterval: '5 seconds' },
      { retention: 'forever' },
      { maxIndexedFieldBytes: 40_000 },
    ];
    for (const input of bad) expect(openSearchSinkConfigSchema.safeParse(input).success, JSON.stringify(input)).to.equal(false);
  });
});
