/**
 * Joins the partial lines of the container runtime (CRI) format: a runtime writes a long line
 * as `P`-tagged chunks and ends it with an `F`-tagged one. A pure object like
 * `MultilineAssembler`, one per file (stream of bytes): the caller pushes physical lines with
 * their byte range and receives finished lines; it calls `flush()` itself when its timeout
 * expires.
 *
 * - Chunks are joined per container stream (stdout, stderr) without a separator, because both
 *   streams are written to the same file and may interleave. The joined line is written back
 *   as one CRI line with the first chunk's time: `<time> <stream> F <joined message>`, so the
 *   parser reads it like any other; a single physical line is handed on unchanged.
 * - Lines come out in the order of their first physical line: a finished line waits behind an
 *   unfinished one that started earlier. Lines that are not CRI pass through in that order.
 * - Limits: when appending a chunk would make the joined message longer than `maxBytes`
 *   (UTF-16 code units, like the multiline limit), the part joined so far is handed on as it
 *   is (tag `P`, `split: true`) and the chunk starts the next line; when more than `maxLines`
 *   physical lines are held, the oldest unfinished line is handed on the same way. Nothing is
 *   dropped.
 * - Acknowledgement ranges: each output line gets `[ackOffset, ackNextOffset)`; the ranges of
 *   successive outputs are contiguous and never overlap, and an output never claims bytes at or
 *   after the start of a line still held. Interleaved lines would otherwise make one range cover
 *   bytes of a line not yet shipped, and a checkpoint could skip it.
 */
import { splitCriLine } from './cri.js';

/** A finished (or limit-cut, or flushed) line. */
export interface CriJoinedLine<M> {
  /** The line to parse: the physical line itself, or the CRI line rebuilt around the joined message. */
  text: string;
  /** The caller values of the physical lines it holds, in order. */
  metas: M[];
  /** True when a limit or a flush handed it on before its `F` chunk arrived. */
  split: boolean;
  /** Start of the byte range this output acknowledges (its first line's offset). */
  ackOffset: number;
  /** End (exclusive) of the byte range this output acknowledges. */
  ackNextOffset: number;
}

/** Options of a `CriPartialAssembler`. */
export interface CriPartialOptions {
  /** Most characters in one joined message (the source's multiline maxBytes). */
  maxBytes: number;
  /** Most physical lines held at once (the source's multiline maxLines). */
  maxLines: number;
}

interface Entry<M> {
  stream: string | undefined;
  head: string;
  first: string;
  chunks: string[];
  bytes: number;
  metas: M[];
  done: boolean;
  ended: boolean;
}

/** Joins CRI partial lines of one file; see the file comment. */
export class CriPartialAssembler<M extends { offset: number; nextOffset: number }> {
  private readonly entries: Entry<M>[] = [];
  private heldLines = 0;
  private seenEnd = 0;

  constructor(private readonly options: CriPartialOptions) {
    if (!(options.maxBytes > 0) || !(options.maxLines > 0)) throw new RangeError('CriPartialAssembler needs a positive maxBytes and maxLines');
  }

  /** True when lines are held (the caller's flush timer should run). */
  get pending(): boolean {
    return this.entries.length > 0;
  }

  /** Adds one physical line (without its terminator); returns the lines it finished, in order. */
  push(line: string, meta: M): CriJoinedLine<M>[] {
    this.seenEnd = Math.max(this.seenEnd, meta.nextOffset);
    this.heldLines++;
    const cri = splitCriLine(line);
    if (cri === undefined) {
      this.entries.push({ stream: undefined, head: '', first: line, chunks: [], bytes: 0, metas: [meta], done: true, ended: true });
    } else {
      let open: Entry<M> | undefined;
      for (let i = this.entries.length - 1; i >= 0 && open === undefined; i--) {
        const entry = this.entries[i];
        if (entry !== undefined && !entry.done && entry.stream === cri.stream) open = entry;
      }
      if (open !== undefined && open.bytes + cri.message.length > this.options.maxBytes) {
        open.done = true;
        open = undefined;
      }
      if (open === undefined) {
        this.entries.push({ stream: cri.stream, head: `${cri.timestampText} ${cri.stream}`, first: line, chunks: [cri.message], bytes: cri.message.length, metas: [meta], done: !cri.partial, ended: !cri.partial });
      } else {
        open.chunks.push(cri.message);
        open.bytes += cri.message.length;
        open.metas.push(meta);
        if (!cri.partial) open.done = open.ended = true;
      }
    }
    const out = this.release();
    while (this.heldLines > this.options.maxLines && this.entries[0] !== undefined) {
      this.entries[0].done = true;
      out.push(...this.release());
    }
    return out;
  }

  /** Hands on everything held, unfinished lines as they are (on timeout, end of input or shutdown). */
  flush(): CriJoinedLine<M>[] {
    for (const entry of this.entries) entry.done = true;
    return this.release();
  }

  private release(): CriJoinedLine<M>[] {
    const taken: Entry<M>[] = [];
    while (this.entries[0]?.done === true) {
      const entry = this.entries.shift() as Entry<M>;
      this.heldLines -= entry.metas.length;
      taken.push(entry);
    }
    // Bytes of a taken line that lie after the start of a held one are acknowledged with the held one.
    const limit = Math.min(this.seenEnd, this.entries[0]?.metas[0]?.offset ?? Infinity);
    return taken.map((entry, i) => {
      const ackOffset = entry.metas[0]?.offset ?? 0;
      const next = taken[i + 1]?.metas[0]?.offset ?? limit;
      const text = entry.metas.length === 1 ? entry.first : `${entry.head} ${entry.ended ? 'F' : 'P'} ${entry.chunks.join('')}`;
      return { text, metas: entry.metas, split: !entry.ended, ackOffset, ackNextOffset: next };
    });
  }
}
