import { serializationFailure } from './serialization-failure.js';

/** First byte of every record in the Confluent wire format (format version 0). */
export const CONFLUENT_MAGIC_BYTE = 0;
/** Magic byte plus the 4-byte big-endian schema id. */
export const CONFLUENT_HEADER_BYTES = 5;

/** A record split into its registry schema id and the encoded body that follows the header. */
export interface WireRecord {
  readonly schemaId: number;
  readonly body: Buffer;
}

/**
 * Splits Confluent-framed bytes (magic byte 0, 4-byte big-endian schema id, body) into id and body.
 * Throws SerializationError naming the problem on a short buffer, another magic byte or an id < 1.
 */
export function parseWireFormat(topic: string, data: Buffer): WireRecord {
  if (data.length < CONFLUENT_HEADER_BYTES) {
    throw serializationFailure(topic, `record is ${data.length} bytes, shorter than the ${CONFLUENT_HEADER_BYTES}-byte Confluent header (magic byte + schema id)`);
  }
  const magic = data.readUInt8(0);
  if (magic !== CONFLUENT_MAGIC_BYTE) {
    throw serializationFailure(topic, `unknown magic byte ${magic} (expected ${CONFLUENT_MAGIC_BYTE}): not in the Confluent wire format`);
  }
  const schemaId = data.readInt32BE(1);
  if (schemaId < 1) throw serializationFailure(topic, `invalid schema id ${schemaId} in the Confluent header`);
  return { schemaId, body: data.subarray(CONFLUENT_HEADER_BYTES) };
}

/** Frames an encoded body with the Confluent header for `schemaId`. */
export function frameWireFormat(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(CONFLUENT_HEADER_BYTES);
  header.writeUInt8(CONFLUENT_MAGIC_BYTE, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}
