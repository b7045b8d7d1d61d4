/**
 * Writes generated lines to log files, one per service and host:
 * `<dir>/<service>/<host>.log`, appended, one line per `\n`.
 *
 * Optional size-based rotation works like logrotate's default "rename and
 * create": the full file is renamed to `<host>.log.1` (older ones shift to .2,
 * .3, ...) and a fresh `<host>.log` is created. A tailing agent then sees the
 * old inode under a new name and a new file under the old one, which is the
 * case its rotation handling must get right. A line is never split across two
 * files. fsync is deliberately skipped: the demo needs ordering, not durability
 * against power loss.
 */
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, InvalidInputError } from '../../lib/errors.js';
import type { GeneratedLine } from './generator.js';
import type { LineSink } from './line-sink.js';

/** Options of createFileSink. */
export interface FileSinkOptions {
  /** Root directory; created if missing. */
  readonly dir: string;
  /** Rotate a file before a write would take it past this many bytes; undefined disables rotation. */
  readonly rotateBytes?: number;
  /** How many rotated files to keep per host (`.1` .. `.N`); older ones are overwritten. Default 5. */
  readonly keepRotated?: number;
}

/** A file sink, with the count of rotations for tests and progress logs. */
export interface FileSink extends LineSink {
  /** Number of rotations performed so far. */
  readonly rotations: number;
  /** The path a service's host writes to. */
  pathFor(service: string, host: string): string;
}

interface OpenFile {
  readonly path: string;
  handle: FileHandle;
  size: number;
}

/** Names become path segments, so only plain file-name characters are allowed. */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkSegment(value: string, what: string): string {
  if (!SAFE_SEGMENT.test(value)) {
    throw new InvalidInputError(`${what} ${JSON.stringify(value)} cannot be used as a file name`, 'unsafe-path-segment');
  }
  return value;
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Creates a file sink; throws ConfigError on a bad rotation setting. Files are opened on first write. */
export function createFileSink(options: FileSinkOptions): FileSink {
  const { dir, rotateBytes } = options;
  const keepRotated = options.keepRotated ?? 5;
  if (rotateBytes !== undefined && !(Number.isInteger(rotateBytes) && rotateBytes > 0)) {
    throw new ConfigError(`rotateBytes must be a positive integer, got ${rotateBytes}`, 'options', 'rotateBytes');
  }
  if (!(Number.isInteger(keepRotated) && keepRotated >= 1)) {
    throw new ConfigError(`keepRotated must be an integer >= 1, got ${keepRotated}`, 'options', 'keepRotated');
  }

  const files = new Map<string, OpenFile>();
  let delivered = 0;
  let rotations = 0;
  let closed = false;
  // write() calls run one after another so that line order per file is the call order.
  let queue: Promise<void> = Promise.resolve();

  const pathFor = (service: string, host: string): string =>
    path.join(dir, checkSegment(service, 'service'), `${checkSegment(host, 'host')}.log`);

  const openFile = async (filePath: string): Promise<OpenFile> => {
    await mkdir(path.dirname(filePath), { recursive: true });
    const handle = await open(filePath, 'a');
    const { size } = await handle.stat();
    return { path: filePath, handle, size };
  };

  const rotate = async (file: OpenFile): Promise<void> => {
    await file.handle.close();
    for (let i = keepRotated - 1; i >= 1; i--) await renameIfExists(`${file.path}.${i}`, `${file.path}.${i + 1}`);
    await rename(file.path, `${file.path}.1`);
    const fresh = await openFile(file.path);
    file.handle = fresh.handle;
    file.size = fresh.size;
    rotations++;
  };

  const writeBatch = async (lines: readonly GeneratedLine[]): Promise<void> => {
    // Group by file first so each file gets one append per batch (or per rotation segment).
    const byFile = new Map<string, string[]>();
    for (const line of lines) {
      const filePath = pathFor(line.service, line.host);
      let group = byFile.get(filePath);
      if (group === undefined) byFile.set(filePath, (group = []));
      group.push(`${line.line}\n`);
    }
    for (const [filePath, group] of byFile) {
      let file = files.get(filePath);
      if (file === undefined) {
        file = await openFile(filePath);
        files.set(filePath, file);
      }
      let pending = '';
      let pendingBytes = 0;
      let pendingLines = 0;
      const flush = async (target: OpenFile): Promise<void> => {
        if (pendingLines === 0) return;
        await target.handle.appendFile(pending, 'utf8');
        target.size += pendingBytes;
        delivered += pendingLines;
        pending = '';
        pendingBytes = 0;
        pendingLines = 0;
      };
      for (const text of group) {
        const bytes = Buffer.byteLength(text, 'utf8');
        if (rotateBytes !== undefined && file.size + pendingBytes > 0 && file.size + pendingBytes + bytes > rotateBytes) {
          await flush(file);
          await rotate(file);
        }
        pending += text;
        pendingBytes += bytes;
        pendingLines++;
      }
      await flush(file);
    }
  };

  return {
    name: 'file',
    get delivered() {
      return delivered;
    },
    get rotations() {
      return rotations;
    },
    pathFor,
    write(lines) {
      if (closed) return Promise.reject(new InvalidInputError('file sink is closed', 'sink-closed'));
      const result = queue.then(() => writeBatch(lines));
      // The queue must survive a failed batch; the failure still reaches this caller through `result`.
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      const handles = [...files.values()].map((file) => file.handle.close());
      files.clear();
      await Promise.all(handles);
    },
  };
}
