/**
 * CRC-32 (IEEE 802.3, the zlib / PNG polynomial 0xEDB88320), table-driven. node:zlib gained
 * `crc32` only in Node 22 and the agent runs on Node 20, so the spool carries its own.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Returns the CRC-32 of `data` as an unsigned 32-bit integer (crc32("123456789") = 0xCBF43926). */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i += 1) crc = (TABLE[(crc ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
