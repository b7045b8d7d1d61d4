/**
 * Reads a server-sent event stream from a fetch Response (EventSource cannot send the bearer token
 * the API requires) and hands each event to a callback until the stream ends or is aborted.
 */
import { SseParser, type SseMessage } from './sse-parser.js';

/** Reads `response` to its end; resolves when the server closed the stream, rejects on a read or parse error (not on abort). */
export async function readEventStream(response: Response, onMessage: (message: SseMessage) => void, signal: AbortSignal): Promise<void> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const stop = (): void => {
    reader.cancel().catch(() => undefined);
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done || signal.aborted) return;
      for (const message of parser.push(decoder.decode(value, { stream: true }))) onMessage(message);
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
