/**
 * Pushes canary lines to the agent's HTTP receiver (NDJSON, bearer token). The receiver answers
 * 200 only once the line is durable, so a resolved write means the agent owns the line.
 */
import { ServiceUnavailableError } from '../lib/errors.js';
import type { LineWriter } from './line-writer.js';

/** Options of createHttpLineWriter (the `write` section of the config in http mode). */
export interface HttpLineWriterOptions {
  readonly url: string;
  readonly token: string;
  readonly requestTimeoutMs: number;
}

/** At most this much of an error answer is kept for the message: the receiver is not trusted to send a small body. */
const MAX_ERROR_BODY_BYTES = 2048;

/** Returns a writer POSTing one line per call; anything but a 2xx answer rejects with ServiceUnavailableError naming the status. */
export function createHttpLineWriter({ url, token, requestTimeoutMs }: HttpLineWriterOptions): LineWriter {
  const target = new URL(url);
  // The URL may carry credentials; the target named in logs must not.
  target.username = '';
  target.password = '';
  return {
    target: target.toString(),
    async write(line: string, canaryToken: string): Promise<void> {
      if (line.includes('\n')) throw new TypeError('a canary line must be one line');
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/x-ndjson',
            // The same token on a retried push gives the same event id (agent/http-receiver.ts).
            'idempotency-key': canaryToken,
          },
          body: `${line}\n`,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
      } catch (error) {
        throw new ServiceUnavailableError(`canary push to ${target.toString()} failed: ${(error as Error).message}`, 'agent', error);
      }
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      const body = await readPrefix(response, MAX_ERROR_BODY_BYTES);
      throw new ServiceUnavailableError(`canary push to ${target.toString()} answered HTTP ${response.status}: ${body}`, 'agent');
    },
  };
}

/** Reads at most `limit` bytes of the answer and drops the rest. */
async function readPrefix(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8').replace(/\s+/g, ' ').trim();
}
