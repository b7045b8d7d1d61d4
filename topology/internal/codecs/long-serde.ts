/**
 * A signed 64-bit big-endian integer serde (Kafka's LongSerde wire format), used for the counts of
 * `count()` so their changelog and output bytes match what a Kafka Streams app would write.
 */
import { SerializationError } from '../errors.js';
import type { Serde } from '../serdes/serde.js';
import { readInt64BE, writeInt64BE } from './int64.js';

/** Encodes a safe integer as 8 bytes big-endian; null stays null. */
export const longSerde: Serde<number> = {
  serialize(topic, value) {
    if (value === null) return null;
    if (!Number.isSafeInteger(value)) throw new SerializationError(`not a safe integer: ${String(value)}`, topic);
    const out = Buffer.allocUnsafe(8);
    writeInt64BE(out, value, 0);
    return out;
  },
  deserialize(topic, data) {
    if (data === null) return null;
    if (data.length !== 8) throw new SerializationError(`a long is 8 bytes, got ${data.length}`, topic);
    return readInt64BE(data, 0);
  },
};
