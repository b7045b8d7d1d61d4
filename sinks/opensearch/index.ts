/**
 * The OpenSearch sink as the CLI and the runner see it: the config schema and the writer factory.
 */
export { openSearchSinkConfigSchema, templateNameOf, type OpenSearchSinkConfig } from './config.js';
export { createOpenSearchSink, type OpenSearchSink, type OpenSearchSinkOptions, type RetentionMode } from './opensearch-sink.js';
