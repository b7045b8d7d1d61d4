/**
 * Reads a drill agent's checkpoint file (agent/checkpoint/checkpoint-store.ts) without the agent:
 * for every file of the log directory, the stream id its event ids derive from and the byte offset
 * up to which Kafka acknowledged its lines. Files are matched to streams by device and inode, the
 * way the agent matches them, so the answer does not depend on paths.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One log file as the checkpoint sees it. */
export interface AcknowledgedFile {
  readonly path: string;
  /** Bytes in the file now. */
  readonly size: number;
  /** The agent's stream id of the file; undefined when the agent has not registered it yet. */
  readonly streamId: string | undefined;
  /** End of the acknowledged prefix (0 when unknown). */
  readonly acknowledged: number;
}

interface CheckpointStream {
  streamId: string;
  offset: number;
  files: { identity: { dev: number; ino: number }; path: string }[];
}

/** The `*.log` files of `logDir` (sorted) with their stream ids and acknowledged offsets from the checkpoint at `checkpointPath` (missing checkpoint: nothing acknowledged). */
export async function acknowledgedFiles(logDir: string, checkpointPath: string): Promise<AcknowledgedFile[]> {
  const streams = await readStreams(checkpointPath);
  const names = (await readdir(logDir)).filter((name) => name.endsWith('.log')).sort();
  const out: AcknowledgedFile[] = [];
  for (const name of names) {
    const path = join(logDir, name);
    const info = await stat(path);
    const stream = streams.find((s) => s.files.some((f) => f.identity.ino === info.ino && f.identity.dev === info.dev));
    out.push({ path, size: info.size, streamId: stream?.streamId, acknowledged: stream?.offset ?? 0 });
  }
  return out;
}

async function readStreams(checkpointPath: string): Promise<CheckpointStream[]> {
  let text: string;
  try {
    text = await readFile(checkpointPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const document = JSON.parse(text) as { body?: unknown };
  // The body is kept as an object or as its JSON text (the checksum covers that text).
  const body = (typeof document.body === 'string' ? JSON.parse(document.body) : document.body) as { streams?: CheckpointStream[] } | undefined;
  return body?.streams ?? [];
}
