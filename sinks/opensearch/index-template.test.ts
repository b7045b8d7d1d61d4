import { expect } from 'chai';
import { buildIndexTemplate, INDEX_TEMPLATE_VERSION, logIndexMappings } from './index-template.js';

describe('sinks/opensearch index-template', () => {
  const template = buildIndexTemplate({ indexPrefix: 'x-logs', numberOfShards: 2, numberOfReplicas: 1, refreshInterval: '5s' }) as {
    index_patterns: string[];
    priority: number;
    version: number;
    template: { settings: { index: Record<string, unknown> }; mappings: { dynamic: boolean; properties: Record<string, { type: string }> } };
  };

  it('matches the daily indices of the prefix with the configured settings', () => {
    expect(template.index_patterns).to.deep.equal(['x-logs-*']);
    expect(template.template.settings.index).to.include({ number_of_shards: 2, number_of_replicas: 1, refresh_interval: '5s' });
  });

  it('carries the mapping generation as the template version', () => {
    expect(template.version).to.equal(INDEX_TEMPLATE_VERSION);
    expect(Number.isSafeInteger(template.version) && template.version > 1, 'bumped past the first generation').to.equal(true);
  });

  it('indexes the text fields without positions, frequencies or norms, keeping the keyword copies', () => {
    const { properties } = template.template.mappings as unknown as { properties: Record<string, Record<string, unknown>> };
    const keywordCopy = { keyword: { type: 'keyword', ignore_above: 1024 } };
    expect(properties['message']).to.deep.equal({ type: 'match_only_text', fields: keywordCopy });
    expect(properties['pattern']).to.deep.equal({ type: 'match_only_text', fields: keywordCopy });
    // The canary phrase-searches `line`: it must stay indexed, only cheaper.
    expect(properties['line']).to.deep.equal({ type: 'match_only_text' });
    const text = Object.entries(properties).filter(([, mapping]) => mapping['type'] === 'text');
    expect(text.map(([name]) => name)).to.deep.equal([]);
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
