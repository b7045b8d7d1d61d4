/**
 * The stdin source: reads lines from a stream (the agent's standard input) until it ends. Its
 * stream id is fixed per agent start, so event ids are stable within that run; stdin cannot be
 * re-read, so its durability is the spool's (see disk-spool.ts).
 *
 * Lines end at LF; a CR right before the LF belongs to the terminator (CRLF), any other CR is
 * data. The splitter works on bytes rather than through readline because readline hides how
 * many terminator bytes it removed (CRLF or LF, and it also splits at a lone CR), so offsets
 * computed from its text drift; here `nextOffset - offset` is exactly the bytes the line took.
 * At most `maxLineBytes + 1` bytes of a line are held, however long the line is.
 */
import type { Readable } from 'node:stream';
import { eventId } from './tail/event-id.js';
import type { InputLine } from './source-encoder.js';

/** Options of `readStdinSource`. */
export interface StdinSourceOptions {
  input: Readable;
  agentId: string;
  streamId: string;
  maxLineBytes: number;
  /** Most lines per handed-out batch. Default 500. */
  maxBatchLines?: number;
  /** Called with each batch; reading waits while it runs (backpressure). `last` is true for the final batch. */
  onBatch: (lines: InputLine[], last: boolean) => Promise<void>;
  signal?: AbortSignal;
}

const LF = 10;
const CR = 13;

/** Reads `input` line by line until it ends or `signal` aborts; offsets are byte offsets in the stream. */
export async function readStdinSource(options: StdinSourceOptions): Promise<void> {
  const max = options.maxBatchLines ?? 500;
  // One byte beyond the cap, so a CR that ends a line of exactly maxLineBytes is still seen.
  const keepCap = options.maxLineBytes + 1;
  let offset = 0;
  let batch: InputLine[] = [];
  let kept: Buffer[] = [];
  let keptBytes = 0;
  let lineBytes = 0; // bytes of the current line so far, terminator excluded
  let lastByte = -1;

  const keep = (chunk: Buffer, start: number, end: number): void => {
    lineBytes += end - start;
    if (end > start) lastByte = chunk[end - 1] ?? -1;
    const room = keepCap - keptBytes;
    if (room <= 0 || end <= start) return;
    const piece = chunk.subarray(start, Math.min(end, start + room));
    kept.push(piece);
    keptBytes += piece.length;
  };

  const emit = (terminatorBytes: number): void => {
    const crlf = terminatorBytes === 1 && lastByte === CR;
    const contentBytes = lineBytes - (crlf ? 1 : 0);
    const truncated = contentBytes > options.maxLineBytes;
    const whole = kept.length === 1 ? (kept[0] ?? Buffer.alloc(0)) : Buffer.concat(kept, keptBytes);
    const text = whole.subarray(0, Math.min(contentBytes, options.maxLineBytes)).toString('utf8');
    const nextOffset = offset + lineBytes + terminatorBytes;
    batch.push({ streamId: options.streamId, offset, nextOffset, text, truncated, eventId: eventId(options.agentId, options.streamId, offset) });
    offset = nextOffset;
    kept = [];
    keptBytes = 0;
    lineBytes = 0;
    lastByte = -1;
  };

  reading: for await (const data of options.input as AsyncIterable<Buffer | string>) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      if (lf === -1) {
        keep(chunk, start, chunk.length);
        break;
      }
      keep(chunk, start, lf);
      emit(1);
      start = lf + 1;
      if (options.signal?.aborted) break reading;
      if (batch.length >= max) {
        await options.onBatch(batch, false);
        batch = [];
      }
    }
  }
  // A last line without a terminator is still a line; a trailing CR without LF is data.
  if (lineBytes > 0 && !options.signal?.aborted) {
    lastByte = -1;
    emit(0);
  }
  await options.onBatch(batch, true);
}
