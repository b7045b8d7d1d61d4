import type { Serde } from './serde.js';
import { serializationFailure } from './serialization-failure.js';

/** Raw bytes passed through unchanged, for records the topology only routes (dead letters, opaque payloads). */
export class BufferSerde implements Serde<Buffer> {
  /** Returns `value` itself; null stays null. */
  serialize(topic: string, value: Buffer | null): Buffer | null {
    if (value === null) return null;
    if (!Buffer.isBuffer(value)) throw serializationFailure(topic, `expected a Buffer, got ${typeof value}`);
    return value;
  }

  /** Returns `data` itself; null stays null. */
  deserialize(_topic: string, data: Buffer | null): Buffer | null {
    return data;
  }
}
