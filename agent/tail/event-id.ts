/**
 * Event ids: the key every store deduplicates on (OpenSearch `_id`, a PostgreSQL unique key).
 *
 * id = the first 128 bits of SHA-256(agentId NUL streamId NUL byteOffset), written as a
 * UUID with version 8 (RFC 9562 "custom") and the RFC 4122 variant, e.g.
 * `3f2a9c1e-77b0-8d41-9a6e-0c55e3b1f2d4`.
 *
 * Why these inputs: the byte offset of the line's first byte is fixed once written to an
 * append-only file; the stream id (file-identity.ts) follows the file through renames and
 * copies instead of its path, so a rotated file keeps its ids, and a truncated or replaced
 * file gets a new stream id, so its new line at offset 0 never collides with the old one.
 * The agent id separates machines whose files share inode numbers. The line's text is not
 * an input: a line truncated at one maximum length and re-read at another keeps its id.
 * Nothing in it depends on time or process state, so a restart or a resend of the same line
 * produces the same id.
 */
import { createHash } from 'node:crypto';

/** Returns the stable event id of the line starting at `offset` in stream `streamId` read by agent `agentId`. */
export function eventId(agentId: string, streamId: string, offset: number): string {
  const digest = createHash('sha256').update(`${agentId}\u0000${streamId}\u0000${offset}`).digest();
  // Version 8 in the high nibble of byte 6, variant 10xx in byte 8 (RFC 9562 section 5.8).
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x80;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
