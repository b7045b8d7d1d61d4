/**
 * Finds the files a source tails: walks the directories under its include globs, keeps the
 * regular files that match an include and no exclude, and reports what appeared and what
 * disappeared since the previous scan. Scanning is the base mechanism and runs on an
 * interval the tail source chooses; `fs.watch` on the same directories only makes a scan
 * come sooner.
 *
 * Symbolic links to files are followed (a file is reported once, under its first path in
 * sorted order); symbolic links to directories are not walked, so a link loop cannot trap a
 * scan. Unreadable directories are skipped and counted, not fatal: a log directory may
 * appear later or get its permissions fixed.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compileGlob, matchesGlob, type CompiledGlob } from './glob-pattern.js';

/** A regular file found by a scan. */
export interface DiscoveredFile {
  /** Absolute path it was found under. */
  path: string;
  /** Device number. */
  dev: number;
  /** Inode number. */
  ino: number;
  /** Size in bytes at scan time. */
  size: number;
}

/** What one scan found. */
export interface ScanResult {
  /** Every matching file, sorted by path. */
  files: DiscoveredFile[];
  /** Files (path and inode) not seen by the previous scan. */
  added: DiscoveredFile[];
  /** Files (path and inode) seen by the previous scan and gone now: deleted, renamed away, or replaced by another inode. */
  removed: DiscoveredFile[];
  /** Directories that could not be read (ENOENT excluded). */
  unreadableDirectories: number;
}

/** Options of `FileDiscovery`. */
export interface FileDiscoveryOptions {
  /** Absolute globs of files to tail; at least one. */
  include: string[];
  /** Absolute globs of files never to tail, even when an include matches. */
  exclude?: string[];
}

/** Scans for the files of one source; see the file comment. */
export class FileDiscovery {
  private readonly include: CompiledGlob[];
  private readonly exclude: CompiledGlob[];
  private previous = new Map<string, DiscoveredFile>();

  constructor({ include, exclude = [] }: FileDiscoveryOptions) {
    if (include.length === 0) throw new TypeError('a file source needs at least one include glob');
    this.include = include.map(compileGlob);
    this.exclude = exclude.map(compileGlob);
  }

  /** Directories worth watching with fs.watch: the walk roots of the include globs. */
  get roots(): string[] {
    return [...new Set(this.include.flatMap((glob) => glob.alternatives.map((alternative) => alternative.base)))];
  }

  /** True when `path` is matched by an include and by no exclude. */
  matches(path: string): boolean {
    return this.include.some((glob) => matchesGlob(glob, path)) && !this.exclude.some((glob) => matchesGlob(glob, path));
  }

  /** Walks the include roots once and returns the matching files and the difference to the previous scan. */
  async scan(): Promise<ScanResult> {
    const candidates = new Set<string>();
    const counter = { unreadable: 0 };
    for (const glob of this.include) {
      for (const { base, depth } of glob.alternatives) await this.walk(base, depth, candidates, counter);
    }
    const current = new Map<string, DiscoveredFile>();
    const seenInodes = new Set<string>();
    for (const path of [...candidates].sort()) {
      if (!this.matches(path)) continue;
      let info;
      try {
        info = await stat(path);
      } catch {
        continue; // gone between readdir and stat, or a dangling link: the next scan settles it
      }
      if (!info.isFile()) continue;
      const inode = `${info.dev}:${info.ino}`;
      if (seenInodes.has(inode)) continue;
      seenInodes.add(inode);
      current.set(path, { path, dev: info.dev, ino: info.ino, size: info.size });
    }
    const key = (file: DiscoveredFile): string => `${file.path}\u0000${file.dev}:${file.ino}`;
    const previousKeys = new Set([...this.previous.values()].map(key));
    const currentKeys = new Set([...current.values()].map(key));
    const result: ScanResult = {
      files: [...current.values()],
      added: [...current.values()].filter((file) => !previousKeys.has(key(file))),
      removed: [...this.previous.values()].filter((file) => !currentKeys.has(key(file))),
      unreadableDirectories: counter.unreadable,
    };
    this.previous = current;
    return result;
  }

  private async walk(directory: string, depth: number, out: Set<string>, counter: { unreadable: number }): Promise<void> {
    if (depth <= 0) return;
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') counter.unreadable += 1;
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await this.walk(path, depth - 1, out, counter);
      else if (entry.isFile() || entry.isSymbolicLink()) out.add(path);
    }
  }
}
