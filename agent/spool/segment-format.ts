/**
 * The layout of a spool segment file: a sequence of frames, each
 * `[u32 BE payload length][u32 BE CRC-32 of the payload][payload]`. The length comes first so
 * a reader can skip a record whose checksum fails and go on with the next one; a length that
 * points past the end of the file (a torn write) ends the segment.
 */
import { crc32 } from './crc32.js';

/** Bytes of a frame header. */
export const FRAME_HEADER_BYTES = 8;
/** Largest payload a frame may carry; a larger length field means the header itself is damaged. */
export const MAX_FRAME_PAYLOAD_BYTES = 256 * 1024 * 1024;
/** Suffix of segment file names (`0000000000000001.seg`). */
export const SEGMENT_SUFFIX = '.seg';

/** Returns the frame (header + payload) of `payload`. */
export function encodeFrame(payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD_BYTES) throw new RangeError(`spool record of ${payload.length} bytes exceeds ${MAX_FRAME_PAYLOAD_BYTES}`);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32BE(payload.length, 0);
  header.writeUInt32BE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** What a reader found at one position. */
export type FrameRead =
  | { kind: 'record'; payload: Buffer; next: number }
  | { kind: 'corrupt'; next: number; reason: string }
  | { kind: 'torn'; reason: string }
  | { kind: 'end' };

/** Reads the frame at `position` of `data` (a whole segment); never throws. */
export function readFrame(data: Buffer, position: number): FrameRead {
  if (position >= data.length) return { kind: 'end' };
  if (position + FRAME_HEADER_BYTES > data.length) return { kind: 'torn', reason: `partial frame header at byte ${position}` };
  const length = data.readUInt32BE(position);
  const checksum = data.readUInt32BE(position + 4);
  if (length > MAX_FRAME_PAYLOAD_BYTES) return { kind: 'torn', reason: `implausible frame length ${length} at byte ${position}` };
  const end = position + FRAME_HEADER_BYTES + length;
  if (end > data.length) return { kind: 'torn', reason: `frame at byte ${position} runs past the end of the segment` };
  const payload = data.subarray(position + FRAME_HEADER_BYTES, end);
  if (crc32(payload) !== checksum) return { kind: 'corrupt', next: end, reason: `checksum mismatch in the frame at byte ${position}` };
  return { kind: 'record', payload, next: end };
}

/** Returns the file name of segment number `seq`. */
export function segmentName(seq: number): string {
  return `${String(seq).padStart(16, '0')}${SEGMENT_SUFFIX}`;
}

/** Returns the number of a segment file name, or undefined when the name is not a segment's. */
export function segmentSeq(name: string): number | undefined {
  const match = /^(\d{16})\.seg$/.exec(name);
  return match ? Number(match[1]) : undefined;
}
