/**
 * A JSON serde that validates with zod only when reading. For a store whose values this process
 * builds itself, validating every write (as Serdes.Json does) is pure cost on the hot path; what
 * must be checked is what comes back from a changelog at restoration.
 */
import type { ZodType } from 'zod';
import { SerializationError, type Serde } from '../../topology/index.js';

/** JSON in UTF-8, checked against `schema` on deserialize only; malformed or mismatching bytes are a SerializationError. */
export function readValidatedJsonSerde<T>(schema: ZodType<T>): Serde<T> {
  return {
    serialize(_topic: string, value: T | null): Buffer | null {
      return value === null ? null : Buffer.from(JSON.stringify(value), 'utf8');
    },
    deserialize(topic: string, data: Buffer | null): T | null {
      if (data === null) return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString('utf8'));
      } catch (error) {
        throw new SerializationError(`malformed JSON in a window-count store: ${(error as Error).message}`, topic, error);
      }
      const result = schema.safeParse(parsed);
      if (!result.success) throw new SerializationError(`a window-count store value does not match its schema: ${result.error.issues[0]?.message ?? 'invalid'}`, topic, result.error);
      return result.data;
    },
  };
}
