import type { z } from 'zod';
import { agentConfigSchema } from '../../agent/config.js';
import { canaryConfigSchema } from '../../canary/config.js';
import { apiConfigSchema } from '../../api/config.js';
import { describeConfig, formatConfigDescription } from '../../lib/config.js';
import { notifierConfigSchema } from '../../notifier/config.js';
import { registryConfigSchema } from '../../schemas/registry/config.js';
import { streamConfigSchema } from '../../processors/pipeline-config.js';
import { openSearchSinkCommandConfigSchema, postgresSinkCommandConfigSchema } from '../../sinks/runner/sink-catalog.js';
import { demoCommandConfigSchema } from './demo.js';
import { dlqConfigSchema } from './dlq.js';
import { migrateConfigSchema } from './migrate.js';
import { schemasConfigSchema } from './schemas.js';
import { topicsConfigSchema } from './topics.js';

/** Each command's config schema, by the component name that also prefixes its environment variables. */
const SCHEMAS: Readonly<Record<string, z.ZodObject>> = {
  registry: registryConfigSchema,
  topics: topicsConfigSchema,
  demo: demoCommandConfigSchema,
  agent: agentConfigSchema,
  schemas: schemasConfigSchema,
  stream: streamConfigSchema,
  notifier: notifierConfigSchema,
  api: apiConfigSchema,
  canary: canaryConfigSchema,
  'sink-postgres': postgresSinkCommandConfigSchema,
  'sink-opensearch': openSearchSinkCommandConfigSchema,
  migrate: migrateConfigSchema,
  dlq: dlqConfigSchema,
};

/** `sawmill config <command>`: lists the command's config keys; exits 2 for an unknown command. */
export function configDescribeCommand(name: string): void {
  const schema = SCHEMAS[name];
  if (schema === undefined) {
    process.stderr.write(`sawmill config: unknown command ${JSON.stringify(name)}; one of ${Object.keys(SCHEMAS).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${formatConfigDescription(describeConfig(schema, { envPrefix: name.replace(/-/g, '_') }))}\n`);
}
