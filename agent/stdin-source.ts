/**
 * The stdin source: reads lines from a stream (the agent's standard input) until it ends. Its
 * stream id is fixed per agent start, so event ids are stable within that run; stdin cannot be
 * re-read, so its durability is the spool's (see disk-spool.ts).
 */
import { createInterface } from 'node:readline';
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

/** Reads `input` line by line until it ends or `signal` aborts; offsets are byte offsets in the stream. */
export async function readStdinSource(options: StdinSourceOptions): Promise<void> {
  const reader = createInterface({ input: options.input, crlfDelay: Infinity });
  let offset = 0;
  let batch: InputLine[] = [];
  const max = options.maxBatchLines ?? 500;
  for await (const text of reader) {
    if (options.signal?.aborted) break;
    const bytes = Buffer.byteLength(text) + 1;
    const truncated = bytes - 1 > options.maxLineBytes;
    const kept = truncated ? Buffer.from(text).subarray(0, options.maxLineBytes).toString('utf8') : text;
    batch.push({ streamId: options.streamId, offset, nextOffset: offset + bytes, text: kept, truncated, eventId: eventId(options.agentId, options.streamId, offset) });
    offset += bytes;
    if (batch.length >= max) {
      await options.onBatch(batch, false);
      batch = [];
    }
  }
  await options.onBatch(batch, true);
}
