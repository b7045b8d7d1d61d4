/**
 * Appends canary lines to a file the agent tails, rotating it by rename (which the agent's
 * tailer follows) so it never grows without bound.
 */
import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ServiceUnavailableError } from '../lib/errors.js';
import type { LineWriter } from './line-writer.js';

/** Options of createFileLineWriter (the `write` section of the config in file mode). */
export interface FileLineWriterOptions {
  readonly path: string;
  readonly maxFileBytes: number;
}

/** Returns a writer appending one line per call to `path`; a failed append rejects with ServiceUnavailableError. */
export function createFileLineWriter({ path, maxFileBytes }: FileLineWriterOptions): LineWriter {
  return {
    target: path,
    async write(line: string): Promise<void> {
      if (line.includes('\n')) throw new TypeError('a canary line must be one line');
      try {
        await mkdir(dirname(path), { recursive: true });
        const size = await stat(path).then((s) => s.size, (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return 0;
          throw error;
        });
        // Rotating before the append keeps the new line in the file the agent reads next.
        if (size >= maxFileBytes) await rename(path, `${path}.1`);
        await appendFile(path, `${line}\n`, { encoding: 'utf8', mode: 0o644 });
      } catch (error) {
        throw new ServiceUnavailableError(`cannot append the canary line to ${path}: ${(error as Error).message}`, 'canary file', error);
      }
    },
  };
}
