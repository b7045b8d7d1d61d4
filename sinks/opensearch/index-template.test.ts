import { expect } from 'chai';
import { buildIndexTemplate, logIndexMappings } from './index-template.js';

describe('sinks/opensearch index-template', () => {
  const template = buildIndexTemplate({ indexPrefix: 'x-logs', numberOfShards: 2, numberOfReplicas: 1, refreshInterval: '5s' }) as {
    index_patterns: string[];
    priority: number;
    template: { settings: { index: Record<string, unknown> }; mappings: { dynamic: boolean; properties: Record<string, { type: string }> } };
  };

  it('matches the daily indices of the prefix with the configured settings', () => {
    expect(template.index_patterns).to.deep.equal(['x-logs-*']);
    expect(template.template.settings.index).to.include({ number_of_shards: 2, number_of_replicas: 1, refresh_interval: '5s' });
  });

  it('maps the shared-name keyword fields as keyword, fields/labels as flat_object, and nothing dynamically', () => {
    const { dynamic, properties } = template.template.mappings;
    expect(dynamic).to.equal(false);
    for (const name of ['service', 'host', 'level', 'patternId', 'traceId', 'spanId', 'eventId', 'streamId', 'agentId', 'sourceId']) {
      expect(properties[name]?.type, name).to.equal('keyword');
    }
    expect(properties['fields']?.type).to.equal('flat_object');
    expect(properties['labels']?.type).to.equal('flat_object');
    expect(properties['@timestamp']?.type).to.equal('date');
  });

  it('maps every EnrichedLogEvent field explicitly', () => {
    const avroFields = ['eventId', 'timestampMs', 'timestampSource', 'observedTimestampMs', 'ingestTimestampMs', 'host', 'service', 'level', 'levelText', 'message', 'line', 'truncated', 'format', 'patternId', 'pattern', 'traceId', 'spanId', 'latencyMs', 'agentId', 'sourceKind', 'sourceId', 'sourcePath', 'streamId', 'sourceOffset', 'fields', 'labels'];
    const mapped = Object.keys((logIndexMappings() as { properties: object }).properties);
    for (const field of avroFields) expect(mapped, field).to.include(field);
  });
});
