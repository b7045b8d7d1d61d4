/**
 * The agent's disk spool: an append-only queue of opaque records in segment files
 * (segment-format.ts), read back in the order they were written.
 *
 * Durability (the stated fsync policy): `always` fsyncs after every record; `batch` fsyncs at
 * most `fsyncIntervalMs` after a write and when a segment is finished; `none` leaves it to the
 * OS. For file sources the spool is not the only copy: the checkpoint advances only after
 * Kafka acknowledged a line, so a record lost from an unsynced spool is read again from its file
 * after a restart. For stdin and HTTP lines the spool is the only copy once the sender was
 * answered; use `always` when that matters more than throughput.
 *
 * Failures: a write refused by the file system (ENOSPC, EDQUOT) is undone (the segment is
 * truncated back to its last whole record) and rethrown, so the caller can pause and try again
 * later; nothing half-written stays behind. A record whose checksum fails is reported through
 * `onCorrupt` and skipped, never silently; a torn tail (crash mid-write) is reported and cut at
 * open time. A segment is deleted once every record in it was committed.
 */
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeFrame, FRAME_HEADER_BYTES, MAX_FRAME_PAYLOAD_BYTES, segmentName, segmentSeq } from './segment-format.js';
import { crc32 } from './crc32.js';

/** Options of `DiskSpool.open`. */
export interface DiskSpoolOptions {
  /** Directory of the segments; created when missing. */
  dir: string;
  /** Size at which a new segment is started. */
  segmentBytes: number;
  /** When writes are fsynced (see the file comment). */
  fsync: 'always' | 'batch' | 'none';
  /** For `batch`: longest time a written record stays unsynced. Default 1000 ms. */
  fsyncIntervalMs?: number;
  /** Called for every record or tail skipped because it is damaged; the spool goes on. */
  onCorrupt?: (problem: { segment: string; position: number; reason: string }) => void;
}

/** One record read from the spool, to be committed once it was handled. */
export interface SpooledRecord {
  payload: Buffer;
  /** Segment and position just past the record. */
  readonly cursor: { seq: number; position: number };
}

interface Segment {
  seq: number;
  size: number;
}

/** A disk spool; see the file comment. Not safe for two processes on one directory. */
export class DiskSpool {
  private readonly segments: Segment[] = [];
  private writeHandle: FileHandle | undefined;
  private readHandle: { seq: number; handle: FileHandle } | undefined;
  private readSeq = 0;
  private readPosition = 0;
  private syncTimer: NodeJS.Timeout | undefined;
  private recordsPending = 0;
  private closed = false;
  private lock: Promise<unknown> = Promise.resolve();

  private constructor(private readonly options: Required<Omit<DiskSpoolOptions, 'onCorrupt'>> & Pick<DiskSpoolOptions, 'onCorrupt'>) {}

  /** Opens (or creates) the spool in `options.dir`, cutting a torn tail off the last segment. */
  static async open(options: DiskSpoolOptions): Promise<DiskSpool> {
    const spool = new DiskSpool({ fsyncIntervalMs: 1000, ...options });
    await mkdir(options.dir, { recursive: true });
    const names = (await readdir(options.dir)).flatMap((name) => {
      const seq = segmentSeq(name);
      return seq === undefined ? [] : [seq];
    });
    names.sort((a, b) => a - b);
    for (const seq of names) spool.segments.push({ seq, size: (await stat(join(options.dir, segmentName(seq)))).size });
    const last = spool.segments.at(-1);
    if (last) await spool.cutTornTail(last);
    spool.readSeq = spool.segments[0]?.seq ?? 0;
    spool.recordsPending = await spool.countRecords();
    return spool;
  }

  /** Bytes of all segment files, including records already read but not yet deleted with their segment. */
  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  /** Records written and not yet committed (corrupt ones included until they are skipped). */
  get pendingRecords(): number {
    return this.recordsPending;
  }

  /** True when nothing is left to read. */
  get isEmpty(): boolean {
    return this.recordsPending <= 0;
  }

  /** Bytes a record of `payloadBytes` takes on disk. */
  static frameBytes(payloadBytes: number): number {
    return FRAME_HEADER_BYTES + payloadBytes;
  }

  /**
   * Appends one record. Rejects with the file system's error (its `code`, e.g. ENOSPC) after
   * undoing the partial write; the spool stays usable.
   */
  append(payload: Buffer): Promise<void> {
    return this.exclusive(() => this.appendNow(payload));
  }

  private async appendNow(payload: Buffer): Promise<void> {
    if (this.closed) throw new Error('spool is closed');
    const frame = encodeFrame(payload);
    let segment = this.segments.at(-1);
    if (!segment || !this.writeHandle || segment.size >= this.options.segmentBytes) {
      await this.roll();
      segment = this.segments.at(-1);
    }
    if (!segment || !this.writeHandle) throw new Error('spool has no write segment');
    const before = segment.size;
    try {
      const { bytesWritten } = await this.writeHandle.write(frame, 0, frame.length, before);
      if (bytesWritten !== frame.length) throw Object.assign(new Error(`short spool write (${bytesWritten} of ${frame.length} bytes)`), { code: 'ENOSPC' });
      if (this.options.fsync === 'always') await this.writeHandle.sync();
    } catch (error) {
      // Leave no half record behind: the next append would follow garbage.
      await this.writeHandle.truncate(before).catch(() => undefined);
      throw error;
    }
    segment.size = before + frame.length;
    this.recordsPending += 1;
    if (this.options.fsync === 'batch') this.scheduleSync();
  }

  /**
   * Returns the oldest uncommitted record, or undefined when there is none. Damaged records are
   * reported through `onCorrupt`, skipped (they count as committed) and never returned.
   */
  async peek(): Promise<SpooledRecord | undefined> {
    for (;;) {
      const segment = this.segments.find((s) => s.seq === this.readSeq);
      if (!segment) return undefined;
      if (this.readPosition >= segment.size) {
        if (segment === this.segments.at(-1)) return undefined;
        await this.finishReadSegment(segment);
        continue;
      }
      const handle = await this.readHandleFor(segment.seq);
      const header = Buffer.alloc(FRAME_HEADER_BYTES);
      const available = segment.size - this.readPosition;
      if (available < FRAME_HEADER_BYTES) {
        this.skipRest(segment, `partial frame header at byte ${this.readPosition}`);
        continue;
      }
      await handle.read(header, 0, FRAME_HEADER_BYTES, this.readPosition);
      const length = header.readUInt32BE(0);
      const checksum = header.readUInt32BE(4);
      if (length > MAX_FRAME_PAYLOAD_BYTES || FRAME_HEADER_BYTES + length > available) {
        this.skipRest(segment, `implausible frame length ${length} at byte ${this.readPosition}`);
        continue;
      }
      const payload = Buffer.alloc(length);
      if (length > 0) await handle.read(payload, 0, length, this.readPosition + FRAME_HEADER_BYTES);
      const next = this.readPosition + FRAME_HEADER_BYTES + length;
      if (crc32(payload) !== checksum) {
        this.options.onCorrupt?.({ segment: segmentName(segment.seq), position: this.readPosition, reason: 'checksum mismatch' });
        this.readPosition = next;
        this.recordsPending -= 1;
        continue;
      }
      return { payload, cursor: { seq: segment.seq, position: next } };
    }
  }

  /** Marks `record` (the last one `peek` returned) as handled; deletes its segment when it was the segment's last. */
  commit(record: SpooledRecord): Promise<void> {
    return this.exclusive(() => this.commitNow(record));
  }

  private async commitNow(record: SpooledRecord): Promise<void> {
    if (record.cursor.seq !== this.readSeq || record.cursor.position <= this.readPosition) throw new Error('spool records must be committed in order, once');
    this.readPosition = record.cursor.position;
    this.recordsPending -= 1;
    const segment = this.segments.find((s) => s.seq === this.readSeq);
    if (segment && this.readPosition >= segment.size) await this.finishReadSegment(segment);
  }

  /** Syncs and closes the files; the records stay for the next open. */
  close(): Promise<void> {
    return this.exclusive(() => this.closeNow());
  }

  // Appends and commits both touch the write segment (a commit of its last record deletes it),
  // so they run one at a time: otherwise a record appended while its segment is deleted is lost.
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.lock.then(fn);
    this.lock = result.catch(() => undefined);
    return result;
  }

  private async closeNow(): Promise<void> {
    this.closed = true;
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.writeHandle && this.options.fsync !== 'none') await this.writeHandle.sync().catch(() => undefined);
    await this.writeHandle?.close();
    this.writeHandle = undefined;
    await this.readHandle?.handle.close();
    this.readHandle = undefined;
  }

  private skipRest(segment: Segment, reason: string): void {
    this.options.onCorrupt?.({ segment: segmentName(segment.seq), position: this.readPosition, reason });
    this.readPosition = segment.size;
    // What followed the damage is unknown; recount from the segments that remain.
    void this.countRecords().then((n) => {
      this.recordsPending = n;
    });
  }

  private async finishReadSegment(segment: Segment): Promise<void> {
    if (this.readHandle?.seq === segment.seq) {
      await this.readHandle.handle.close();
      this.readHandle = undefined;
    }
    if (segment === this.segments.at(-1)) {
      await this.writeHandle?.close();
      this.writeHandle = undefined;
    }
    await rm(join(this.options.dir, segmentName(segment.seq)), { force: true });
    this.segments.splice(this.segments.indexOf(segment), 1);
    this.readSeq = this.segments[0]?.seq ?? segment.seq + 1;
    this.readPosition = 0;
  }

  private async roll(): Promise<void> {
    if (this.writeHandle) {
      if (this.options.fsync !== 'none') await this.writeHandle.sync();
      await this.writeHandle.close();
      this.writeHandle = undefined;
    }
    const last = this.segments.at(-1);
    if (last && last.size < this.options.segmentBytes) {
      this.writeHandle = await open(join(this.options.dir, segmentName(last.seq)), 'r+');
      return;
    }
    const seq = last ? last.seq + 1 : Math.max(this.readSeq, 1);
    this.writeHandle = await open(join(this.options.dir, segmentName(seq)), 'w');
    this.segments.push({ seq, size: 0 });
    if (this.segments.length === 1) {
      this.readSeq = seq;
      this.readPosition = 0;
    }
  }

  private scheduleSync(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      void this.writeHandle?.sync().catch(() => undefined);
    }, this.options.fsyncIntervalMs);
    this.syncTimer.unref();
  }

  private async readHandleFor(seq: number): Promise<FileHandle> {
    if (this.readHandle?.seq === seq) return this.readHandle.handle;
    await this.readHandle?.handle.close();
    const handle = await open(join(this.options.dir, segmentName(seq)), 'r');
    this.readHandle = { seq, handle };
    return handle;
  }

  private async cutTornTail(segment: Segment): Promise<void> {
    const path = join(this.options.dir, segmentName(segment.seq));
    const handle = await open(path, 'r+');
    try {
      let position = 0;
      const header = Buffer.alloc(FRAME_HEADER_BYTES);
      while (position + FRAME_HEADER_BYTES <= segment.size) {
        await handle.read(header, 0, FRAME_HEADER_BYTES, position);
        const length = header.readUInt32BE(0);
        if (length > MAX_FRAME_PAYLOAD_BYTES || position + FRAME_HEADER_BYTES + length > segment.size) break;
        position += FRAME_HEADER_BYTES + length;
      }
      if (position < segment.size) {
        this.options.onCorrupt?.({ segment: segmentName(segment.seq), position, reason: `torn tail of ${segment.size - position} bytes cut at open` });
        await handle.truncate(position);
        segment.size = position;
      }
    } finally {
      await handle.close();
    }
  }

  private async countRecords(): Promise<number> {
    let count = 0;
    for (const segment of this.segments) {
      const handle = await open(join(this.options.dir, segmentName(segment.seq)), 'r').catch(() => undefined);
      if (!handle) continue;
      try {
        let position = segment.seq === this.readSeq ? this.readPosition : 0;
        const header = Buffer.alloc(FRAME_HEADER_BYTES);
        while (position + FRAME_HEADER_BYTES <= segment.size) {
          await handle.read(header, 0, FRAME_HEADER_BYTES, position);
          const length = header.readUInt32BE(0);
          if (length > MAX_FRAME_PAYLOAD_BYTES || position + FRAME_HEADER_BYTES + length > segment.size) break;
          position += FRAME_HEADER_BYTES + length;
          count += 1;
        }
      } finally {
        await handle.close();
      }
    }
    return count;
  }
}
