/**
 * Reads the lines of one open file from a byte offset. The file stays open by descriptor, so
 * a rename or an unlink does not stop it: the tail source decides when a file is finished
 * (rotated away or deleted, drained, idle) and calls `flushPartial` and `close`.
 *
 * Line rules:
 * - a line ends at `\n`; a `\r` right before it is removed (CRLF files);
 * - an unterminated last line is held (never emitted) until its `\n` arrives or the tail
 *   source flushes it when the file is finished; `position` stays at its first byte, so a
 *   checkpoint never points into the middle of a line;
 * - a line longer than `maxLineBytes` is emitted with its first `maxLineBytes` bytes (cut
 *   back to a whole UTF-8 character) and `truncated: true`; the rest is skipped as it is
 *   read, so memory per file stays at `maxLineBytes`, however long the line;
 * - `offset` is the byte offset of the line's first byte and `nextOffset` the offset just
 *   past its `\n`, so the lines of a file tile it without gaps: line n+1 starts at line n's
 *   `nextOffset`.
 *
 * Reads are positional (`pread`) in chunks of `chunkBytes` (64 KiB by default) into one
 * reused buffer; a line costs a `indexOf` and one string, no syscall.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

/** One line read from a file. */
export interface TailLine {
  /** The line without its `\n` (and `\r`), decoded as UTF-8; at most `maxLineBytes` bytes of it. */
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte offset just past the line's terminator (or past its last byte when flushed unterminated). */
  nextOffset: number;
  /** True when the line was longer than `maxLineBytes` and only its beginning is in `text`. */
  truncated: boolean;
}

/** What one `read` call found. */
export interface TailReadResult {
  /** Complete lines in file order; may be empty. */
  lines: TailLine[];
  /** `data`: more may be readable now; `eof`: reached the end of the file; `truncated`: the file is now shorter than what was read (copytruncate), nothing more is read from it. */
  status: 'data' | 'eof' | 'truncated';
}

/** Counters of one tailer, ready to be exported as metrics. */
export interface TailerStats {
  /** Lines emitted. */
  lines: number;
  /** Bytes read from the file. */
  bytes: number;
  /** Lines emitted with `truncated: true`. */
  truncatedLines: number;
}

/** Options of `FileTailer.open`. */
export interface FileTailerOptions {
  /** Byte offset to start at; must be the start of a line (a checkpoint or 0). */
  startOffset: number;
  /** Longest line kept whole, in bytes, without its terminator. */
  maxLineBytes: number;
  /** Size of each read. Default 64 KiB. */
  chunkBytes?: number;
}

/** Default size of each read. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Reads lines from one file descriptor; see the file comment for the line rules. */
export class FileTailer {
  private readPosition: number;
  /** First bytes (at most maxLineBytes + 1) of the line being assembled across reads. */
  private readonly pending: Buffer;
  private pendingLength = 0;
  /** Full length so far of the line being assembled, including skipped bytes; -1 when none. */
  private pendingTotal = -1;
  private pendingStart = 0;
  private pendingLastByte = -1;
  private readonly chunk: Buffer;
  private closed = false;
  private readonly counters: TailerStats = { lines: 0, bytes: 0, truncatedLines: 0 };

  private constructor(
    /** The open file. */
    readonly handle: FileHandle,
    /** Path the file was opened by; it may have been renamed or deleted since. */
    readonly path: string,
    private readonly maxLineBytes: number,
    startOffset: number,
    chunkBytes: number,
  ) {
    this.readPosition = startOffset;
    this.pending = Buffer.alloc(maxLineBytes + 1);
    this.chunk = Buffer.alloc(chunkBytes);
  }

  /** Opens `path` for reading from `startOffset`; throws the fs error when it cannot be opened. */
  static async open(path: string, options: FileTailerOptions): Promise<FileTailer> {
    const handle = await open(path, 'r');
    try {
      return FileTailer.fromHandle(handle, path, options);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Wraps an already open handle (the tail source opens first to read the identity, so both see the same inode). */
  static fromHandle(handle: FileHandle, path: string, { startOffset, maxLineBytes, chunkBytes = DEFAULT_CHUNK_BYTES }: FileTailerOptions): FileTailer {
    if (!Number.isSafeInteger(startOffset) || startOffset < 0) throw new TypeError(`startOffset must be a non-negative integer, got ${startOffset}`);
    if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) throw new TypeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new TypeError(`chunkBytes must be a positive integer, got ${chunkBytes}`);
    return new FileTailer(handle, path, maxLineBytes, startOffset, chunkBytes);
  }

  /** Offset of the first byte not yet handed out as part of a line: where a restart must resume. */
  get position(): number {
    return this.pendingTotal >= 0 ? this.pendingStart : this.readPosition;
  }

  /** Offset of the next byte to read (past any held partial line). */
  get readOffset(): number {
    return this.readPosition;
  }

  /** True while an unterminated line is held. */
  get hasPartial(): boolean {
    return this.pendingTotal >= 0;
  }

  /** Counters since open. */
  get stats(): Readonly<TailerStats> {
    return this.counters;
  }

  /**
   * Reads chunks until at least `maxLines` lines or `maxBytes` bytes were read or the end of
   * the file is reached, and returns the complete lines. Detects truncation: when the file
   * is shorter than what was already read, returns `truncated` and reads nothing.
   */
  async read(maxLines = 1000, maxBytes = 1024 * 1024): Promise<TailReadResult> {
    if (this.closed) throw new Error(`tailer of ${this.path} is closed`);
    const lines: TailLine[] = [];
    const { size } = await this.handle.stat();
    if (size < this.readPosition) return { lines, status: 'truncated' };
    let readBytes = 0;
    while (lines.length < maxLines && readBytes < maxBytes) {
      // Everything the stat saw is read: what was appended since is the next pass's (saves a read of 0 bytes).
      if (this.readPosition >= size) return { lines, status: 'eof' };
      const { bytesRead } = await this.handle.read(this.chunk, 0, this.chunk.length, this.readPosition);
      if (bytesRead === 0) return { lines, status: 'eof' };
      // Stopping mid-chunk at maxLines leaves no partial line: the rest is read again next time.
      const consumed = this.split(bytesRead, lines, maxLines);
      this.readPosition += consumed;
      readBytes += consumed;
      this.counters.bytes += consumed;
    }
    return { lines, status: 'data' };
  }

  /** Emits the held unterminated line as a final line (the file is finished); undefined when none is held. */
  flushPartial(): TailLine | undefined {
    if (this.pendingTotal < 0) return undefined;
    return this.emitPending(this.readPosition);
  }

  /** Closes the file; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  /** Splits `chunk[0, length)` into `out` until `maxLines` lines are there; returns the bytes consumed. */
  private split(length: number, out: TailLine[], maxLines: number): number {
    const chunk = this.chunk;
    const base = this.readPosition;
    let start = 0;
    while (start < length) {
      if (out.length >= maxLines) return start;
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1 || newline >= length) {
        this.hold(chunk, start, length, base);
        return length;
      }
      if (this.pendingTotal >= 0) {
        this.hold(chunk, start, newline, base);
        out.push(this.emitPending(base + newline + 1));
      } else {
        out.push(this.line(chunk, start, newline, base + start, base + newline + 1));
      }
      start = newline + 1;
    }
    return length;
  }

  /** Builds a line from `chunk[start, end)`, the common case where the line sits inside one chunk. */
  private line(chunk: Buffer, start: number, end: number, offset: number, nextOffset: number): TailLine {
    let contentEnd = end > start && chunk[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    const truncated = contentEnd - start > this.maxLineBytes;
    if (truncated) contentEnd = utf8Boundary(chunk, start, start + this.maxLineBytes);
    this.counters.lines += 1;
    if (truncated) this.counters.truncatedLines += 1;
    return { text: chunk.toString('utf8', start, contentEnd), offset, nextOffset, truncated };
  }

  /** Appends `chunk[start, end)` to the held line, keeping only what can still be emitted. */
  private hold(chunk: Buffer, start: number, end: number, base: number): void {
    if (this.pendingTotal < 0) {
      this.pendingTotal = 0;
      this.pendingLength = 0;
      this.pendingStart = base + start;
      this.pendingLastByte = -1;
    }
    if (end <= start) return;
    const room = this.pending.length - this.pendingLength;
    if (room > 0) this.pendingLength += chunk.copy(this.pending, this.pendingLength, start, Math.min(end, start + room));
    this.pendingTotal += end - start;
    this.pendingLastByte = chunk[end - 1] ?? -1;
  }

  private emitPending(nextOffset: number): TailLine {
    const contentLength = this.pendingLastByte === CARRIAGE_RETURN && nextOffset > this.readPosition ? this.pendingTotal - 1 : this.pendingTotal;
    const truncated = contentLength > this.maxLineBytes;
    const end = truncated ? utf8Boundary(this.pending, 0, this.maxLineBytes) : contentLength;
    const line = { text: this.pending.toString('utf8', 0, end), offset: this.pendingStart, nextOffset, truncated };
    this.pendingTotal = -1;
    this.pendingLength = 0;
    this.counters.lines += 1;
    if (truncated) this.counters.truncatedLines += 1;
    return line;
  }
}

/**
 * Returns the offset at which reading "from the end" of a file should start: the end when
 * the file ends with a newline, otherwise just past its last newline (so the half-written
 * last line is read whole), or 0 when it has none.
 */
export async function endStartOffset(handle: FileHandle): Promise<number> {
  const { size } = await handle.stat();
  const buffer = Buffer.alloc(Math.min(size, DEFAULT_CHUNK_BYTES));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - buffer.length);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    const newline = buffer.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (newline !== -1) return start + newline + 1;
    end = start;
  }
  return 0;
}

/** Returns the largest offset ≤ `end` that does not split the UTF-8 character at `end` (never below `start`). */
function utf8Boundary(buffer: Buffer, start: number, end: number): number {
  // A continuation byte (10xxxxxx) at `end` means the character there began earlier: cut before its lead byte.
  let cut = end;
  while (cut > start && ((buffer[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  return cut;
}
