/**
 * An incremental parser of the `text/event-stream` format (the WHATWG server-sent events rules the
 * browser's EventSource follows). The dashboard reads the live tail with fetch instead of
 * EventSource because EventSource cannot send the Authorization header the API requires.
 */

/** One dispatched event: its type (`message` when unnamed), its data lines joined by LF, its id. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

/** Longest line kept before the stream is declared broken (a real tail event is far below it). */
export const MAX_SSE_LINE = 4 * 1024 * 1024;

/** Feeds decoded text chunks in arrival order; returns the events each chunk completed. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  /** Parses `chunk` (any split, CR, LF or CRLF line ends); throws when one line grows past MAX_SSE_LINE. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (match === null) break;
      // A CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message !== undefined) out.push(message);
    }
    if (this.buffer.length > MAX_SSE_LINE) throw new Error(`event stream line longer than ${MAX_SSE_LINE} characters`);
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') {
      const message = this.data.length === 0 ? undefined : { event: this.event === '' ? 'message' : this.event, data: this.data.join('\n'), id: this.id };
      this.data = [];
      this.event = '';
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return undefined;
  }
}
