import { createHash } from 'node:crypto';
import avro from 'avsc';
import { invalidSchema, truncate } from './errors.js';

/** Deepest JSON nesting a schema may have; real schemas stay far below, hostile ones do not. */
export const MAX_SCHEMA_DEPTH = 128;

/** A schema that parsed, validated and was reduced to its canonical text. */
export interface CanonicalSchema {
  /** Compact JSON with a fixed key order: the text stored, served and compared. */
  readonly canonical: string;
  /** SHA-256 (hex) of `canonical`, the key that makes one schema text one global id. */
  readonly fingerprint: string;
  /** The avsc type, used for compatibility checks. */
  readonly type: avro.Type;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

// Keys in the order Avro's own Schema.toString() writes them, so canonical text reads naturally.
const SCHEMA_KEY_ORDER = ['type', 'name', 'namespace', 'doc', 'aliases', 'fields', 'symbols', 'default', 'items', 'values', 'size'];
const FIELD_KEY_ORDER = ['name', 'type', 'doc', 'default', 'order', 'aliases'];

/**
 * Parses, validates (with avsc) and canonicalises an Avro schema given as text, so that
 * texts differing only in whitespace, key order or `{"type":"string"}` vs `"string"` map
 * to the same canonical text. Throws a 42201 RegistryError with the reason when invalid.
 */
export function canonicalizeAvro(schemaText: string): CanonicalSchema {
  const depth = jsonDepth(schemaText);
  if (depth > MAX_SCHEMA_DEPTH) {
    throw invalidSchema(`schema is nested ${depth} levels deep; at most ${MAX_SCHEMA_DEPTH} are allowed`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(schemaText);
  } catch (error) {
    throw invalidSchema(`schema is not valid JSON (${(error as Error).message})`, error);
  }
  let type: avro.Type;
  try {
    // A prototype-less registry keeps names like `__proto__` or `toString` from resolving
    // to Object.prototype members inside avsc.
    type = avro.Type.forSchema(raw as avro.Schema, { registry: Object.create(null) as Record<string, avro.Type> });
  } catch (error) {
    throw invalidSchema(truncate((error as Error).message, 500), error);
  }
  const canonical = JSON.stringify(normalizeSchema(raw));
  return { canonical, fingerprint: fingerprintOf(canonical), type };
}

/** SHA-256 (hex) of a canonical schema text. */
export function fingerprintOf(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Maximum nesting of arrays and objects in a JSON text, computed without recursion so
 * that a hostile megabyte of `[` cannot exhaust the stack before we refuse it.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}

function normalizeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalizeSchema);
  if (!isObject(schema)) return schema;
  const keys = Object.keys(schema);
  // {"type":"string"} and "string" are the same schema; keep the short form.
  if (keys.length === 1 && typeof schema['type'] === 'string' && PRIMITIVES.has(schema['type'])) {
    return schema['type'];
  }
  return orderedObject(schema, SCHEMA_KEY_ORDER, (key, value) => {
    switch (key) {
      case 'type':
      case 'items':
      case 'values':
        return normalizeSchema(value);
      case 'fields':
        return Array.isArray(value) ? value.map(normalizeField) : value;
      default:
        return value;
    }
  });
}

function normalizeField(field: unknown): unknown {
  if (!isObject(field)) return field;
  return orderedObject(field, FIELD_KEY_ORDER, (key, value) => (key === 'type' ? normalizeSchema(value) : value));
}

function orderedObject(
  source: Record<string, unknown>,
  order: readonly string[],
  mapValue: (key: string, value: unknown) => unknown,
): Record<string, unknown> {
  const known = order.filter((key) => Object.hasOwn(source, key));
  const rest = Object.keys(source)
    .filter((key) => !order.includes(key))
    .sort();
  // Object.fromEntries defines own properties, so a `__proto__` key stays data, never a prototype.
  return Object.fromEntries([...known, ...rest].map((key) => [key, mapValue(key, source[key])]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
