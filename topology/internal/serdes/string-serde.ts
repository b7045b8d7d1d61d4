import type { Serde } from './serde.js';
import { serializationFailure } from './serialization-failure.js';

/** UTF-8 text; a byte sequence that is not valid UTF-8 is a poison record, not silently replaced with U+FFFD. */
export class StringSerde implements Serde<string> {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  /** Encodes `value` as UTF-8; null stays null. */
  serialize(topic: string, value: string | null): Buffer | null {
    if (value === null) return null;
    if (typeof value !== 'string') throw serializationFailure(topic, `expected a string, got ${typeof value}`);
    return Buffer.from(value, 'utf8');
  }

  /** Decodes UTF-8 bytes; throws SerializationError on invalid UTF-8. */
  deserialize(topic: string, data: Buffer | null): string | null {
    if (data === null) return null;
    try {
      return this.decoder.decode(data);
    } catch (error) {
      throw serializationFailure(topic, 'bytes are not valid UTF-8', error);
    }
  }
}
