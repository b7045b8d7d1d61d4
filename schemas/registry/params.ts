import { z } from 'zod';
import { parseCompatibilityLevel, type CompatibilityLevel } from './compatibility.js';
import { ErrorCode, RegistryError, invalidSchema, invalidSubject, invalidVersion, schemaNotFound, truncate } from './errors.js';
import type { SchemaType, VersionRef } from './store.js';

/** Longest subject name accepted; Kafka topic names stop at 249, plus a `-value` suffix. */
export const MAX_SUBJECT_LENGTH = 255;

const MAX_INT32 = 2 ** 31 - 1;

/**
 * Returns `raw` when it is an acceptable subject name, else throws a 42208 RegistryError.
 * We refuse what Confluent would store but no sane client sends: control characters,
 * slashes and backslashes (ambiguous in URLs, and the stuff of path traversal) and `.`/`..`.
 */
export function parseSubject(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) throw invalidSubject('the subject name is empty');
  if (raw.length > MAX_SUBJECT_LENGTH) {
    throw invalidSubject(`'${truncate(raw, 64)}' is longer than ${MAX_SUBJECT_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw invalidSubject('the subject name contains control characters');
  if (/[/\\]/.test(raw)) throw invalidSubject(`'${truncate(raw, 64)}' contains '/' or '\\'`);
  if (raw === '.' || raw === '..') throw invalidSubject(`'${raw}' is not a subject name`);
  return raw;
}

/** Parses a version path segment: `latest` or `-1` mean the newest, else an integer in 1..2^31-1 (42202 otherwise). */
export function parseVersion(raw: unknown): VersionRef {
  const text = String(raw);
  if (text === 'latest' || text === '-1') return 'latest';
  if (/^[0-9]{1,10}$/.test(text)) {
    const version = Number(text);
    if (version >= 1 && version <= MAX_INT32) return version;
  }
  throw invalidVersion(text);
}

/** Parses a schema id path segment (an integer in 1..2^31-1); anything else is an unknown schema (40403). */
export function parseSchemaId(raw: unknown): number {
  const text = String(raw);
  if (/^[0-9]{1,10}$/.test(text)) {
    const id = Number(text);
    if (id >= 1 && id <= MAX_INT32) return id;
  }
  throw schemaNotFound(`Schema ${truncate(text, 32)} not found: ids are integers between 1 and 2^31-1.`);
}

/** True when the query parameter is the string `true` (Confluent's boolean flags: deleted, permanent, verbose). */
export function queryFlag(value: unknown): boolean {
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

// Unknown keys (metadata, ruleSet, id, version) are ignored, as Confluent's Jackson setup does.
const schemaRequestSchema = z.looseObject({
  schema: z.string({ error: "the request body needs a string field 'schema' holding the schema text" }),
  schemaType: z.string().optional(),
  references: z.array(z.unknown()).optional(),
});

/** A validated register / lookup / compatibility request body. */
export interface SchemaRequest {
  readonly schema: string;
  readonly schemaType: SchemaType;
}

/**
 * Validates the body of a register, lookup or compatibility request. Only AVRO is
 * supported: JSON and PROTOBUF, and schema references, are refused with a 42201 that says so.
 */
export function parseSchemaRequest(body: unknown): SchemaRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidSchema("the request body must be a JSON object such as {\"schema\": \"...\"}");
  }
  const parsed = schemaRequestSchema.safeParse(body);
  if (!parsed.success) throw invalidSchema(parsed.error.issues.map((issue) => issue.message).join('; '));
  const schemaType = (parsed.data.schemaType ?? 'AVRO').toUpperCase();
  if (schemaType === 'JSON' || schemaType === 'PROTOBUF') {
    throw invalidSchema(`schema type ${schemaType} is not supported by this registry; only AVRO is`);
  }
  if (schemaType !== 'AVRO') {
    throw invalidSchema(`unknown schema type '${truncate(schemaType, 32)}'; this registry supports AVRO`);
  }
  if (parsed.data.references && parsed.data.references.length > 0) {
    throw invalidSchema('schema references are not supported by this registry; inline the referenced types');
  }
  if (parsed.data.schema.trim() === '') throw invalidSchema('the schema is empty');
  return { schema: parsed.data.schema, schemaType: 'AVRO' };
}

/** Validates the body of `PUT /config[/subject]` and returns the requested level (42203 when invalid). */
export function parseConfigRequest(body: unknown): CompatibilityLevel {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('compatibility' in body)) {
    throw new RegistryError(
      422,
      ErrorCode.invalidCompatibilityLevel,
      'The request body must be a JSON object such as {"compatibility": "BACKWARD"}.',
    );
  }
  return parseCompatibilityLevel((body as { compatibility: unknown }).compatibility);
}
