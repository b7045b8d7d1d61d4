/**
 * Where the canary's line goes: one interface, two ways into the agent (a tailed file or its
 * HTTP push receiver), chosen by the config's `write.mode`.
 */
import type { CanaryWriteConfig } from './config.js';
import { createFileLineWriter } from './file-line-writer.js';
import { createHttpLineWriter } from './http-line-writer.js';

/** Hands one line to the agent. */
export interface LineWriter {
  /** Resolves once the agent has the line (appended to the file, or acknowledged by the receiver); rejects with the reason otherwise. */
  write(line: string, token: string): Promise<void>;
  /** Where lines go, for log lines (never a credential). */
  readonly target: string;
}

/** Returns the writer the config asks for; throws a TypeError when http mode lacks its url or token (the config schema refuses that already). */
export function createLineWriter(config: CanaryWriteConfig): LineWriter {
  if (config.mode === 'file') return createFileLineWriter({ path: config.path, maxFileBytes: config.maxFileBytes });
  if (config.url === undefined || config.token === undefined) throw new TypeError('http mode needs write.url and write.token');
  return createHttpLineWriter({ url: config.url, token: config.token, requestTimeoutMs: config.requestTimeoutMs });
}
