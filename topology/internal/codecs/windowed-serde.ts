/**
 * Serde of `Windowed<K>`: the inner key bytes followed by the window start as 8 bytes big-endian
 * (Kafka Streams' TimeWindowedSerde layout). The window size is not on the wire; the serde knows it.
 */
import type { Windowed } from '../api/windowed.js';
import { SerializationError } from '../errors.js';
import type { Serde } from '../serdes/serde.js';
import { readInt64BE, writeInt64BE } from './int64.js';

/** Serializes a non-null key or throws SerializationError: store and window keys cannot be null. */
export function serializeKey<K>(serde: Serde<K>, topic: string, key: K): Buffer {
  const bytes = serde.serialize(topic, key);
  if (bytes === null) throw new SerializationError('a key serialized to null', topic);
  return bytes;
}

/** Appends the window start to key bytes. */
export function encodeWindowKey(keyBytes: Buffer, windowStartMs: number): Buffer {
  const out = Buffer.allocUnsafe(keyBytes.length + 8);
  keyBytes.copy(out, 0);
  writeInt64BE(out, windowStartMs, keyBytes.length);
  return out;
}

/** Splits bytes made by `encodeWindowKey`; throws SerializationError when they are too short. */
export function decodeWindowKey(topic: string, bytes: Buffer): { keyBytes: Buffer; windowStartMs: number } {
  if (bytes.length < 8) throw new SerializationError(`a windowed key needs at least 8 bytes, got ${bytes.length}`, topic);
  return { keyBytes: bytes.subarray(0, bytes.length - 8), windowStartMs: readInt64BE(bytes, bytes.length - 8) };
}

/** Returns the serde of `Windowed<K>` over `inner` for windows of `windowSizeMs`. */
export function windowedSerde<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
  return {
    serialize(topic, value) {
      if (value === null) return null;
      return encodeWindowKey(serializeKey(inner, topic, value.key), value.startMs);
    },
    deserialize(topic, data) {
      if (data === null) return null;
      const { keyBytes, windowStartMs } = decodeWindowKey(topic, data);
      const key = inner.deserialize(topic, keyBytes);
      if (key === null) throw new SerializationError('a windowed key decoded to a null key', topic);
      return { key, startMs: windowStartMs, endMs: windowStartMs + windowSizeMs };
    },
    ...(inner.prepare ? { prepare: (topic: string, data: Buffer | null) => inner.prepare!(topic, data === null ? null : decodeWindowKey(topic, data).keyBytes) } : {}),
    ...(inner.init ? { init: () => inner.init!() } : {}),
  };
}
