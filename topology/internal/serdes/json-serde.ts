import type { ZodType } from 'zod';
import type { Serde } from './serde.js';
import { serializationFailure } from './serialization-failure.js';

/** Largest encoded JSON document accepted either way, unless JsonSerdeOptions.maxBytes says otherwise (1 MiB, Kafka's default message size). */
export const DEFAULT_JSON_MAX_BYTES = 1024 * 1024;

/** Options of JsonSerde. */
export interface JsonSerdeOptions<T> {
  /** Validates (and may transform) every value both ways; a mismatch is a SerializationError naming the path. */
  readonly schema?: ZodType<T>;
  /** Largest document in bytes, checked before parsing so a huge record cannot stall the task (default DEFAULT_JSON_MAX_BYTES). */
  readonly maxBytes?: number;
}

/**
 * JSON in UTF-8. Without a schema the decoded value is trusted to be a T (the caller's claim);
 * with a zod schema it is checked, so a record of the wrong shape becomes a poison record at the
 * edge instead of a TypeError deep inside a processor.
 */
export class JsonSerde<T> implements Serde<T> {
  private readonly schema: ZodType<T> | undefined;
  private readonly maxBytes: number;

  constructor(options: JsonSerdeOptions<T> = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_JSON_MAX_BYTES;
    if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new RangeError(`JsonSerde: maxBytes must be a positive integer, got ${maxBytes}`);
    this.schema = options.schema;
    this.maxBytes = maxBytes;
  }

  /** Encodes `value` as JSON after validating it; null stays null. */
  serialize(topic: string, value: T | null): Buffer | null {
    if (value === null) return null;
    const checked = this.validate(topic, value, 'value to encode');
    let text: string | undefined;
    try {
      text = JSON.stringify(checked);
    } catch (error) {
      throw serializationFailure(topic, `value cannot be encoded as JSON: ${(error as Error).message}`, error);
    }
    if (text === undefined) throw serializationFailure(topic, 'value cannot be encoded as JSON (undefined or a function)');
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > this.maxBytes) throw serializationFailure(topic, `encoded JSON is ${bytes.length} bytes, over the ${this.maxBytes}-byte limit`);
    return bytes;
  }

  /** Parses and validates `data`; throws SerializationError on oversized, malformed or mismatching JSON. */
  deserialize(topic: string, data: Buffer | null): T | null {
    if (data === null) return null;
    if (data.length > this.maxBytes) throw serializationFailure(topic, `JSON record is ${data.length} bytes, over the ${this.maxBytes}-byte limit`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString('utf8'));
    } catch (error) {
      throw serializationFailure(topic, `malformed JSON: ${(error as Error).message}`, error);
    }
    return this.validate(topic, parsed, 'record');
  }

  private validate(topic: string, value: unknown, what: string): T {
    if (this.schema === undefined) return value as T;
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    throw serializationFailure(topic, `${what} does not match the schema: ${issues}`, result.error);
  }
}
