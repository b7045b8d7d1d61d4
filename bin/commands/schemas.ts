import { z } from 'zod';
import { registerSchemas, topicSchemasToRegister } from '../../schemas/register.js';
import { runCommand } from '../run-command.js';

/** Configuration of `sawmill schemas`: where the registry is and the level every subject is held to. */
export const schemasConfigSchema = z
  .object({
    registryUrl: z.string().url().default('http://127.0.0.1:8081').describe('Base URL of the Confluent-compatible schema registry'),
    compatibility: z
      .enum(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'])
      .default('BACKWARD')
      .describe('Compatibility level set on every `<topic>-value` subject before its schema is checked'),
    requestTimeoutMs: z.number().int().positive().max(120_000).default(10_000).describe('Longest wait for one registry request, ms'),
  })
  .strict()
  .describe('Schema registration: the topic value schemas of schemas/avro/ under `<topic>-value`');

/**
 * `sawmill schemas register [--registry URL]`: registers every topic value schema under
 * `<topic>-value` at BACKWARD compatibility; prints one line per subject. Exits 1 when a subject's
 * change is incompatible (with what broke, on stderr) or the registry cannot be used.
 */
export async function schemasRegisterCommand(options: { config?: string; registry?: string }): Promise<void> {
  if (options.registry !== undefined && !z.string().url().safeParse(options.registry).success) {
    process.stderr.write(`sawmill schemas register: --registry ${JSON.stringify(options.registry)} is not a URL (e.g. http://127.0.0.1:8081)\n`);
    process.exitCode = 2;
    return;
  }
  await runCommand({
    component: 'schemas',
    schema: schemasConfigSchema,
    configFile: options.config,
    body: async ({ config, logger }) => {
      const outcomes = await registerSchemas({
        registryUrl: options.registry ?? config.registryUrl,
        schemas: topicSchemasToRegister(),
        compatibility: config.compatibility,
        requestTimeoutMs: config.requestTimeoutMs,
        logger,
      });
      for (const outcome of outcomes) {
        if (outcome.status === 'incompatible') {
          process.stderr.write(`sawmill schemas register: ${outcome.message}\n`);
          process.exitCode = 1;
        } else {
          process.stdout.write(`${outcome.subject.padEnd(22)} ${outcome.status.padEnd(10)} id=${outcome.id} version=${outcome.version} compatibility=${config.compatibility}\n`);
        }
      }
    },
  });
}
