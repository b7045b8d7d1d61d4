/**
 * How the tail source tells a copy of a stream (copytruncate's `app.log.1`, a `cp` of a log)
 * from a new file: by content it has read, never by timing. The tail source keeps a
 * `StreamContent` for every stream it has read in this process and judges every file whose
 * inode it does not know against the streams whose first bytes the file shares.
 *
 * Rules (`judgeCopy`):
 * - a file whose first bytes differ from the stream's first bytes (over the length both
 *   have) is `different`: it is not a copy;
 * - while a reader has the stream's own file open and that file is unchanged (not
 *   truncated), the file is compared with it over the WINDOW_BYTES before the end of the
 *   shorter of the two: equal → `waiting` (a copy, complete or still being written; the
 *   stream's own file is read, the copy is not), unequal → `different`. When the stream's
 *   file changed under the comparison (truncated right then), the answer is `inconclusive`
 *   and the file is judged again at the next scan;
 * - otherwise the file must hold, byte for byte, every anchor line of the stream that it is
 *   long enough to hold (the last line handed out, which ends at the cursor, and one line past
 *   each power-of-two KiB boundary): one mismatch → `different`; all equal and the file
 *   reaches the cursor → `copy`, read from the cursor; all equal but the file is shorter than
 *   the cursor → `waiting` (a copy still being written, or a copy that ends before what was
 *   already read from the stream's own file: either way nothing of it is read now).
 *
 * A file judged `waiting` is judged again at every scan as it grows; only `different` lets it
 * be read from 0 as a new stream, and only `copy` lets it be read at all (from the cursor), so
 * a copy in progress is never read from 0, whatever the scheduling. The power-of-two anchors
 * bound how long a new file that merely shares a long banner with an old stream waits: it is
 * told apart once it is about twice as long as the point where it diverges.
 */
import type { FileHandle } from 'node:fs/promises';

/** Bytes compared between a candidate copy and the stream's open file. */
export const WINDOW_BYTES = 4096;

/** One line the stream handed out, kept to recognise the same bytes in a copy. */
export interface AnchorLine {
  /** Offset of the line's first byte. */
  offset: number;
  /** Offset just past the line. */
  nextOffset: number;
  /** The text handed out (CR and LF removed, cut at `maxLineBytes` when `truncated`). */
  text: string;
  /** True when `text` is only the beginning of the line. */
  truncated: boolean;
}

/** What the tail source remembers of the content of a stream it has read in this process. */
export interface StreamContent {
  /** The first min(size, FINGERPRINT_SIZE) bytes of the stream's content, as last seen. */
  head: Buffer;
  /** Offset of the first byte not handed out: where a copy is read from. */
  cursor: number;
  /** The line that ends at `cursor`, when this process handed one out. */
  lastLine: AnchorLine | undefined;
  /** One line past each power-of-two KiB boundary, in offset order. */
  ladder: AnchorLine[];
  /** Where the next ladder anchor is taken (a power of two times 1 KiB). */
  nextRung: number;
}

/** A file being judged: an open handle, its size and first bytes at the time of the look. */
export interface CandidateFile {
  /** The open file. */
  handle: FileHandle;
  /** Its size. */
  size: number;
  /** Its first min(size, FINGERPRINT_SIZE) bytes. */
  head: Buffer;
}

/** The stream's own file, open by its reader. */
export interface LiveFile {
  /** The reader's handle. */
  handle: FileHandle;
  /** Its size. */
  size: number;
  /** Resolves true when the file is still the stream's file (not truncated, not rewritten). */
  unchanged: () => Promise<boolean>;
}

/** Outcome of `judgeCopy`; see the file comment. */
export type CopyVerdict = 'copy' | 'waiting' | 'different' | 'inconclusive';

/** Returns fresh content memory for a stream read from `cursor`, with its first bytes `head`. */
export function newStreamContent(head: Buffer, cursor: number): StreamContent {
  let nextRung = 1024;
  while (nextRung <= cursor) nextRung *= 2;
  return { head: Buffer.from(head), cursor, lastLine: undefined, ladder: [], nextRung };
}

/** Records `line` as handed out: it becomes the last line and, past the next rung, a ladder anchor. */
export function recordLine(content: StreamContent, line: AnchorLine): void {
  content.cursor = line.nextOffset;
  content.lastLine = line;
  if (line.nextOffset >= content.nextRung) {
    content.ladder.push(line);
    while (content.nextRung <= line.nextOffset) content.nextRung *= 2;
  }
}

/** Lengthens the remembered head when `head` extends it with the same first bytes. */
export function extendHead(content: StreamContent, head: Buffer): void {
  if (head.length > content.head.length && headsAgree(content.head, head)) content.head = Buffer.from(head);
}

/** True when both heads have at least one byte and agree over the length both have. */
export function headsAgree(a: Buffer, b: Buffer): boolean {
  const length = Math.min(a.length, b.length);
  return length > 0 && a.subarray(0, length).equals(b.subarray(0, length));
}

/** Judges whether `file` is a copy of the stream `content` describes; see the file comment. */
export async function judgeCopy(content: StreamContent, file: CandidateFile, live?: LiveFile): Promise<CopyVerdict> {
  if (!headsAgree(content.head, file.head)) return 'different';
  if (live) {
    const same = await windowsMatch(file.handle, live.handle, Math.min(file.size, live.size));
    if (!(await live.unchanged())) return 'inconclusive';
    return same ? 'waiting' : 'different';
  }
  const anchors = content.lastLine ? [...content.ladder, content.lastLine] : content.ladder;
  for (const anchor of anchors) {
    if (anchor.nextOffset > file.size) break;
    if (!(await lineMatches(file.handle, anchor))) return 'different';
  }
  return file.size >= content.cursor ? 'copy' : 'waiting';
}

/** True when `handle` holds the bytes of `anchor` at its offsets. */
export async function lineMatches(handle: FileHandle, anchor: AnchorLine): Promise<boolean> {
  const length = anchor.nextOffset - anchor.offset;
  // A truncated line is compared on the part that was handed out (plus a little, so a
  // character cut at the end decodes the same); a whole line on all of its bytes.
  const want = anchor.truncated ? Math.min(length, Buffer.byteLength(anchor.text) + 4) : length;
  const bytes = await readAt(handle, anchor.offset, want);
  if (bytes.length !== want) return false;
  if (anchor.truncated) return bytes.toString('utf8').startsWith(anchor.text);
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0a) {
    end -= 1;
    if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
  }
  return bytes.toString('utf8', 0, end) === anchor.text;
}

/** True when `a` and `b` hold the same WINDOW_BYTES (or fewer) bytes just before `end`. */
export async function windowsMatch(a: FileHandle, b: FileHandle, end: number): Promise<boolean> {
  const start = Math.max(0, end - WINDOW_BYTES);
  const [left, right] = await Promise.all([readAt(a, start, end - start), readAt(b, start, end - start)]);
  return left.length === end - start && left.equals(right);
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buffer.subarray(0, got);
}
