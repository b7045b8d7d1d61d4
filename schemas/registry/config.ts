import { z } from 'zod';

/**
 * Configuration of the schema registry (`sawmill registry`): where it listens and which
 * PostgreSQL database holds its `registry` schema. Unknown keys are rejected.
 */
export const registryConfigSchema = z
  .object({
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(8081)
      .describe('TCP port the registry listens on; 8081 is the Confluent default clients expect, 0 picks a free port'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address the registry binds to; keep 127.0.0.1 unless clients on other hosts need it'),
    postgresUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// connection URL')
      .default('postgres://postgres@127.0.0.1:5432/sawmill')
      .describe('PostgreSQL connection URL of the database holding the registry tables (schema `registry`)'),
  })
  .strict()
  .describe('Schema registry: a Confluent-compatible REST API storing Avro schemas in PostgreSQL');

/** The registry configuration after defaults are applied. */
export type RegistryConfig = z.infer<typeof registryConfigSchema>;
