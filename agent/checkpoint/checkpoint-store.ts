/**
 * The agent's checkpoint: for every stream (a file and its renamed or copied incarnations,
 * see agent/tail/file-identity.ts) the byte offset up to which Kafka acknowledged its lines.
 *
 * Rules:
 * - The offset moves only through `acknowledge(streamId, offset, nextOffset)`, which the
 *   shipper calls once Kafka acknowledged the lines of [offset, nextOffset). Acks may come in
 *   any order; the stored offset is the end of the contiguous acknowledged prefix, and ranges
 *   beyond a gap wait in memory until the gap is filled. After a crash the agent resumes at
 *   that prefix: lines after it may be sent again, with the same event ids, so they
 *   deduplicate downstream; nothing before it is sent again and nothing is skipped.
 * - A stream is registered (and the caller flushes) before any of its lines is handed out,
 *   so its stream id, from which event ids derive, survives a crash.
 * - The file is one JSON document `{ version, checksum, body }`, where checksum is the
 *   SHA-256 of the JSON text of body. It is replaced atomically: written to a temporary file,
 *   fsynced, renamed over the old one, and the directory fsynced, so a crash leaves either
 *   the old or the new checkpoint, never a mix.
 * - A checkpoint that does not parse or whose checksum does not match (a torn write by a
 *   broken disk, a hand edit) is never guessed at: `open` throws CheckpointCorruptError and
 *   the agent refuses to start, because both guesses are wrong somewhere (starting empty
 *   re-reads or skips files, an old copy re-sends). With `resetCorrupt` (the
 *   `--reset-checkpoints` flag) the bad file is kept aside as `<path>.corrupt-<time>` and the
 *   agent starts with an empty checkpoint; files with a complete fingerprint then get the
 *   same stream ids and event ids as before, so what is re-sent deduplicates downstream.
 * - Streams whose files are all gone (deleted, or rotated out of the globs and drained) are
 *   pruned `ttlMs` after they went, so the checkpoint does not grow without bound; a file
 *   that reappears within the TTL (a glob change, a remount) resumes where it was.
 */
import { createHash } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SawmillError } from '../../lib/errors.js';
import { matchesContent, matchesFile, type FileIdentity, type FileObservation } from '../tail/file-identity.js';

/** The checkpoint file cannot be trusted: it does not parse, has an unknown version, or fails its checksum. */
export class CheckpointCorruptError extends SawmillError {
  constructor(
    message: string,
    /** The checkpoint file. */
    readonly path: string,
    /** What was wrong: `unparsable`, `version`, `checksum` or `shape`. */
    readonly reason: string,
  ) {
    super(message, { retriable: false });
  }
}

/** One file that carries a stream. */
export interface CheckpointFile {
  /** Where the file is. */
  identity: FileIdentity;
  /** Last path it was seen under (for operators; never used to match). */
  path: string;
}

/** What the checkpoint knows of one stream. */
export interface CheckpointEntry {
  /** The stream id (file-identity.ts `newStreamId`). */
  streamId: string;
  /** Name of the source that tails it (one checkpoint may serve several sources). */
  source: string;
  /** The files that carry it: the original, and copies found by content. */
  files: CheckpointFile[];
  /** End of the contiguous acknowledged prefix: where reading resumes. */
  offset: number;
  /** When the last of its files went away (epoch ms), or null while one exists. */
  goneSinceMs: number | null;
}

/** Options of `CheckpointStore.open`. */
export interface CheckpointStoreOptions {
  /** The checkpoint file; its directory must exist. */
  path: string;
  /** Set aside a corrupt checkpoint and start empty instead of throwing. Default false. */
  resetCorrupt?: boolean;
  /** How long a stream whose files are all gone is kept. Default 7 days. */
  ttlMs?: number;
  /** Called once when a corrupt checkpoint was set aside under `resetCorrupt`. */
  onReset?: (error: CheckpointCorruptError, movedTo: string) => void;
}

/** Version of the file layout written by this code. */
export const CHECKPOINT_VERSION = 1;

const fileSchema = z.strictObject({
  identity: z.strictObject({
    dev: z.number().int().nonnegative(),
    ino: z.number().int().nonnegative(),
    fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
    fingerprintLength: z.number().int().nonnegative(),
  }),
  path: z.string(),
});
const bodySchema = z.strictObject({
  sources: z.array(z.string()),
  streams: z.array(
    z.strictObject({
      streamId: z.string().min(1),
      source: z.string(),
      files: z.array(fileSchema),
      offset: z.number().int().nonnegative(),
      goneSinceMs: z.number().nullable(),
    }),
  ),
});
type Body = z.infer<typeof bodySchema>;

interface Stream extends CheckpointEntry {
  /** Acknowledged ranges beyond a gap, sorted by start; memory only. */
  ahead: Array<[number, number]>;
}

/** The checkpoint of one agent; see the file comment for its rules. */
export class CheckpointStore {
  private readonly streams = new Map<string, Stream>();
  private readonly sources = new Set<string>();
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    /** The checkpoint file. */
    readonly path: string,
    private readonly ttlMs: number,
    /** True when no checkpoint file existed: the agent's first start. */
    readonly isNew: boolean,
  ) {}

  /** Loads the checkpoint at `path` (an absent file is an empty, new checkpoint); throws CheckpointCorruptError on a bad file unless `resetCorrupt`. */
  static async open({ path, resetCorrupt = false, ttlMs = 7 * 24 * 3600 * 1000, onReset }: CheckpointStoreOptions): Promise<CheckpointStore> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new CheckpointStore(path, ttlMs, true);
      throw error;
    }
    let body: Body;
    try {
      body = decode(text, path);
    } catch (error) {
      if (!(error instanceof CheckpointCorruptError) || !resetCorrupt) throw error;
      const movedTo = `${path}.corrupt-${Date.now()}`;
      await rename(path, movedTo);
      onReset?.(error, movedTo);
      return new CheckpointStore(path, ttlMs, true);
    }
    const store = new CheckpointStore(path, ttlMs, false);
    for (const source of body.sources) store.sources.add(source);
    for (const stream of body.streams) store.streams.set(stream.streamId, { ...stream, ahead: [] });
    return store;
  }

  /** True when source `name` has run before with this checkpoint (its start position no longer applies). */
  hasSource(name: string): boolean {
    return this.sources.has(name);
  }

  /** Records that source `name` has started. */
  addSource(name: string): void {
    if (this.sources.has(name)) return;
    this.sources.add(name);
    this.dirty = true;
  }

  /** True when a stream with this id exists (live or gone). */
  has(streamId: string): boolean {
    return this.streams.has(streamId);
  }

  /** Returns a copy of the entry of `streamId`, or undefined. */
  get(streamId: string): CheckpointEntry | undefined {
    const stream = this.streams.get(streamId);
    return stream && publicEntry(stream);
  }

  /** Returns copies of all entries. */
  entries(): CheckpointEntry[] {
    return [...this.streams.values()].map(publicEntry);
  }

  /** Returns the stream one of whose files is the observed file (same dev+ino and first bytes), or undefined. */
  findByFile(observation: FileObservation): CheckpointEntry | undefined {
    for (const stream of this.streams.values()) {
      if (stream.files.some((file) => matchesFile(file.identity, observation))) return publicEntry(stream);
    }
    return undefined;
  }

  /** Returns a stream whose content the observed file copies (another inode, same complete fingerprint), or undefined. */
  findByContent(observation: FileObservation): CheckpointEntry | undefined {
    for (const stream of this.streams.values()) {
      if (stream.files.some((file) => matchesContent(file.identity, observation))) return publicEntry(stream);
    }
    return undefined;
  }

  /** Adds `file` to stream `streamId` of `source`, creating the stream at `offset` when it is new. Flush before handing out its lines. */
  register(source: string, streamId: string, file: CheckpointFile, offset: number): void {
    const stream = this.streams.get(streamId);
    if (stream) {
      stream.files = [...stream.files.filter((known) => !sameInode(known.identity, file.identity)), file];
      stream.goneSinceMs = null;
    } else {
      this.streams.set(streamId, { streamId, source, files: [file], offset, goneSinceMs: null, ahead: [] });
    }
    this.dirty = true;
  }

  /** Replaces the record of the file with `file.identity`'s dev+ino (longer fingerprint, new path). */
  updateFile(streamId: string, file: CheckpointFile): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    const index = stream.files.findIndex((known) => sameInode(known.identity, file.identity));
    if (index === -1) return;
    const known = stream.files[index];
    if (known && known.path === file.path && known.identity.fingerprintLength === file.identity.fingerprintLength) return;
    stream.files[index] = file;
    this.dirty = true;
  }

  /** Detaches the file with `identity`'s dev+ino from the stream (it was truncated: its inode now carries another stream). */
  removeFile(streamId: string, identity: FileIdentity, nowMs = Date.now()): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    stream.files = stream.files.filter((known) => !sameInode(known.identity, identity));
    if (stream.files.length === 0 && stream.goneSinceMs === null) stream.goneSinceMs = nowMs;
    this.dirty = true;
  }

  /** Marks the stream as having no file left (deleted or rotated away and drained); it is pruned after the TTL. */
  markGone(streamId: string, nowMs = Date.now()): void {
    const stream = this.streams.get(streamId);
    if (!stream || stream.goneSinceMs !== null) return;
    stream.goneSinceMs = nowMs;
    this.dirty = true;
  }

  /**
   * Records that Kafka acknowledged the lines of [offset, nextOffset) of `streamId` and moves
   * the checkpoint to the end of the contiguous acknowledged prefix. Returns false when the
   * stream is unknown (pruned); throws a TypeError on an empty or inverted range.
   */
  acknowledge(streamId: string, offset: number, nextOffset: number): boolean {
    if (!(nextOffset > offset) || offset < 0) throw new TypeError(`acknowledged range must be non-empty, got [${offset}, ${nextOffset})`);
    const stream = this.streams.get(streamId);
    if (!stream) return false;
    if (nextOffset <= stream.offset) return true; // a resend acknowledged twice
    if (offset > stream.offset) {
      insertRange(stream.ahead, [offset, nextOffset]);
      return true;
    }
    stream.offset = nextOffset;
    while (stream.ahead.length > 0 && (stream.ahead[0]?.[0] ?? Infinity) <= stream.offset) {
      const [, end] = stream.ahead.shift() ?? [0, 0];
      stream.offset = Math.max(stream.offset, end);
    }
    this.dirty = true;
    return true;
  }

  /** End of the contiguous acknowledged prefix of `streamId`, or undefined when unknown. */
  offset(streamId: string): number | undefined {
    return this.streams.get(streamId)?.offset;
  }

  /** Number of acknowledged ranges of `streamId` waiting beyond a gap. */
  pendingRanges(streamId: string): number {
    return this.streams.get(streamId)?.ahead.length ?? 0;
  }

  /** Removes streams gone for longer than the TTL; returns how many. */
  prune(nowMs = Date.now()): number {
    let pruned = 0;
    for (const [id, stream] of this.streams) {
      if (stream.goneSinceMs !== null && nowMs - stream.goneSinceMs > this.ttlMs && stream.ahead.length === 0) {
        this.streams.delete(id);
        pruned += 1;
      }
    }
    if (pruned > 0) this.dirty = true;
    return pruned;
  }

  /** Writes the checkpoint atomically when anything changed since the last write; concurrent calls are serialised. */
  flush(): Promise<void> {
    const next = this.writing.then(() => this.writeIfDirty());
    // A failed write must not poison later ones; the caller of this flush still sees the error.
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Flushes every `intervalMs` until `close`; a failed periodic write is reported to `onError` and retried next time. */
  startAutoFlush(intervalMs: number, onError: (error: unknown) => void): void {
    this.stopAutoFlush();
    this.timer = setInterval(() => {
      this.flush().catch(onError);
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops periodic flushing. */
  stopAutoFlush(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops periodic flushing and writes what is left. */
  async close(): Promise<void> {
    this.stopAutoFlush();
    await this.flush();
  }

  private async writeIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      await writeAtomically(this.path, encode(this.body()));
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }

  private body(): Body {
    return {
      sources: [...this.sources].sort(),
      streams: [...this.streams.values()].map(({ streamId, source, files, offset, goneSinceMs }) => ({ streamId, source, files, offset, goneSinceMs })),
    };
  }
}

/** Serialises a checkpoint body into the file format. */
function encode(body: Body): string {
  const text = JSON.stringify(body);
  return `{"version":${CHECKPOINT_VERSION},"checksum":"${sha256(text)}","body":${text}}\n`;
}

function decode(text: string, path: string): Body {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CheckpointCorruptError(`checkpoint ${path} is not valid JSON (torn or truncated write?): ${(error as Error).message}`, path, 'unparsable');
  }
  const envelope = z.object({ version: z.number(), checksum: z.string(), body: z.unknown() }).safeParse(document);
  if (!envelope.success) throw new CheckpointCorruptError(`checkpoint ${path} lacks version, checksum or body`, path, 'shape');
  if (envelope.data.version !== CHECKPOINT_VERSION) {
    throw new CheckpointCorruptError(`checkpoint ${path} has version ${envelope.data.version}; this agent reads version ${CHECKPOINT_VERSION}`, path, 'version');
  }
  // The body was written with JSON.stringify; parsing and stringifying again reproduces the same text.
  const actual = sha256(JSON.stringify(envelope.data.body));
  if (actual !== envelope.data.checksum) {
    throw new CheckpointCorruptError(`checkpoint ${path} fails its checksum (stored ${envelope.data.checksum}, computed ${actual})`, path, 'checksum');
  }
  const body = bodySchema.safeParse(envelope.data.body);
  if (!body.success) throw new CheckpointCorruptError(`checkpoint ${path} has an unexpected body: ${body.error.message}`, path, 'shape');
  return body.data;
}

/** Replaces `path` with `content` so that a crash at any point leaves the old or the new content. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(temporary, path);
  // The rename is durable only once the directory entry is on disk.
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

function insertRange(ranges: Array<[number, number]>, range: [number, number]): void {
  let index = ranges.length;
  while (index > 0 && (ranges[index - 1]?.[0] ?? 0) > range[0]) index -= 1;
  ranges.splice(index, 0, range);
}

function sameInode(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function publicEntry({ streamId, source, files, offset, goneSinceMs }: Stream): CheckpointEntry {
  return { streamId, source, files: files.map((file) => ({ identity: { ...file.identity }, path: file.path })), offset, goneSinceMs };
}
