/**
 * Big-endian signed 64-bit integers for safe-integer numbers, without BigInt (which costs more than
 * the rest of a window-key encoding on the hot path).
 */

/** Writes `value` (a safe integer) as 8 bytes big-endian at `offset`. */
export function writeInt64BE(buffer: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  buffer.writeInt32BE(high, offset);
  buffer.writeUInt32BE(value - high * 0x1_0000_0000, offset + 4);
}

/** Reads 8 bytes big-endian at `offset` as a number (exact for safe integers). */
export function readInt64BE(buffer: Buffer, offset: number): number {
  return buffer.readInt32BE(offset) * 0x1_0000_0000 + buffer.readUInt32BE(offset + 4);
}
