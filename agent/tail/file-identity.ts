/**
 * How the agent knows that two looks at a file are the same file, whatever its path.
 *
 * A file is its device and inode number plus a fingerprint: the SHA-256 of its first
 * `fingerprintLength` bytes, where `fingerprintLength` = min(size, FINGERPRINT_SIZE) at the
 * moment the fingerprint was taken. The inode alone is not enough: after a file is deleted
 * the kernel hands the same inode to the next file created, and logrotate's copytruncate
 * keeps the inode while replacing the content. The fingerprint alone is not enough either:
 * many log files start with the same banner.
 *
 * Rules (see `matchesFile`):
 * - same dev+ino and the file's first `fingerprintLength` bytes hash to the stored fingerprint
 *   → the same file (it may have grown or been renamed); reading continues where it was;
 * - same dev+ino but the file is now shorter than `fingerprintLength` or its first bytes
 *   differ → a different file (inode reuse, or truncated and rewritten) → read from 0;
 * - while a file is shorter than FINGERPRINT_SIZE its fingerprint is provisional: it covers
 *   the bytes that exist, and `extendIdentity` lengthens it as the file grows, after
 *   checking that the bytes already fingerprinted did not change. A file that is empty has
 *   `fingerprintLength` 0 and matches any content on its inode until it has bytes, which is
 *   what we want: nothing of it was read yet, so nothing can be re-read or skipped.
 * - copies (copytruncate's `app.log.1`) have another inode but the same first bytes; only a
 *   full FINGERPRINT_SIZE fingerprint is trusted to recognise one (`matchesContent`).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

/** Bytes covered by a complete fingerprint. */
export const FINGERPRINT_SIZE = 1024;

/** Where a file lives on disk and what its first bytes are; serialisable into a checkpoint. */
export interface FileIdentity {
  /** Device number (`stat.dev`). */
  dev: number;
  /** Inode number (`stat.ino`). */
  ino: number;
  /** Hex SHA-256 of the first `fingerprintLength` bytes. */
  fingerprint: string;
  /** How many leading bytes the fingerprint covers: 0..FINGERPRINT_SIZE. */
  fingerprintLength: number;
}

/** What one look at a file saw: its identity and the head bytes the identity was taken from. */
export interface FileObservation {
  /** The identity as of this look. */
  identity: FileIdentity;
  /** The first min(size, FINGERPRINT_SIZE) bytes. */
  head: Buffer;
  /** Size in bytes at the time of the look. */
  size: number;
}

/** Returns the hex SHA-256 of `bytes`. */
export function fingerprintOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads the head of an open file and returns its identity; reads at most FINGERPRINT_SIZE bytes. */
export async function observeHandle(handle: FileHandle): Promise<FileObservation> {
  const stat = await handle.stat();
  const want = Math.min(stat.size, FINGERPRINT_SIZE);
  const head = Buffer.alloc(want);
  let got = 0;
  while (got < want) {
    const { bytesRead } = await handle.read(head, got, want - got, got);
    if (bytesRead === 0) break; // truncated between stat and read: fingerprint what is there
    got += bytesRead;
  }
  const bytes = head.subarray(0, got);
  return {
    identity: { dev: stat.dev, ino: stat.ino, fingerprint: fingerprintOf(bytes), fingerprintLength: got },
    head: bytes,
    size: stat.size,
  };
}

/** Opens `path` read-only, observes it and closes it again. Throws the fs error (ENOENT, EACCES) unchanged. */
export async function observePath(path: string): Promise<FileObservation> {
  const handle = await open(path, 'r');
  try {
    return await observeHandle(handle);
  } finally {
    await handle.close();
  }
}

/** True when `observation` is the file `known` describes: same dev+ino and the same first `known.fingerprintLength` bytes. */
export function matchesFile(known: FileIdentity, observation: FileObservation): boolean {
  const seen = observation.identity;
  if (seen.dev !== known.dev || seen.ino !== known.ino) return false;
  return headMatches(known, observation.head);
}

/**
 * True when `observation` holds a copy of `known`'s content (another inode, same first bytes).
 * Only a complete fingerprint counts: a shorter one could be a shared banner.
 */
export function matchesContent(known: FileIdentity, observation: FileObservation): boolean {
  return known.fingerprintLength === FINGERPRINT_SIZE && headMatches(known, observation.head);
}

/**
 * Returns `known` with its fingerprint lengthened to cover the head of `observation` when the
 * file grew past the provisional fingerprint, or `known` itself when nothing changed.
 * Call only after `matchesFile` said the observation is the same file.
 */
export function extendIdentity(known: FileIdentity, observation: FileObservation): FileIdentity {
  if (known.fingerprintLength >= FINGERPRINT_SIZE || observation.head.length <= known.fingerprintLength) return known;
  return { ...known, fingerprint: fingerprintOf(observation.head), fingerprintLength: observation.head.length };
}

/**
 * Returns the stream id of a file seen for the first time: a 128-bit hex string that event ids
 * are derived from and that stays with the file through renames (and with its copies).
 * With a complete fingerprint it is deterministic (dev, ino, fingerprint), so a re-read after
 * the checkpoint was reset produces the same event ids and deduplicates downstream.
 * With a provisional fingerprint, or when `taken` says the deterministic id is already used
 * (inode reuse with an identical first KiB), 16 random bytes are mixed in: the id then lives
 * only in the checkpoint, which the tail source writes before it hands out any line.
 */
export function newStreamId(identity: FileIdentity, taken: (id: string) => boolean = () => false): string {
  const hash = createHash('sha256').update(`${identity.dev}:${identity.ino}:${identity.fingerprintLength}:${identity.fingerprint}`);
  if (identity.fingerprintLength === FINGERPRINT_SIZE) {
    const id = hash.copy().digest('hex').slice(0, 32);
    if (!taken(id)) return id;
  }
  return hash.update(randomBytes(16)).digest('hex').slice(0, 32);
}

function headMatches(known: FileIdentity, head: Buffer): boolean {
  if (head.length < known.fingerprintLength) return false;
  return fingerprintOf(head.subarray(0, known.fingerprintLength)) === known.fingerprint;
}
