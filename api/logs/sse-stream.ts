import type { Response } from 'express';
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';

/** A server-sent events stream to one client that never buffers more than `maxPendingBytes`: past it, events are skipped and counted, and a `skipped` notice is sent once the client caught up. */
export class SseStream {
  private skipped = 0;
  private closed = false;

  constructor(
    private readonly res: Response,
    private readonly maxPendingBytes: number,
  ) {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.on('drain', () => this.flushNotice());
    res.on('close', () => {
      this.closed = true;
    });
  }

  /** Number of events skipped and not yet reported. */
  get pendingSkipped(): number {
    return this.skipped;
  }

  /** Sends one event; returns false (and counts it) when the client is too far behind. */
  sendEvent(event: EnrichedLogEvent): boolean {
    if (this.closed) return false;
    if (this.res.writableLength > this.maxPendingBytes) {
      this.skipped += 1;
      return false;
    }
    this.flushNotice();
    // JSON.stringify escapes CR, LF and control characters, so one event is always one data line.
    this.res.write(`id: ${event.eventId}\nevent: log\ndata: ${JSON.stringify(event)}\n\n`);
    return true;
  }

  /** Sends a named event with a JSON payload (e.g. `ready`). */
  sendControl(name: string, payload: unknown): void {
    if (!this.closed) this.res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  /** A comment line that keeps proxies from closing an idle stream. */
  heartbeat(): void {
    if (!this.closed && this.res.writableLength <= this.maxPendingBytes) this.res.write(': keep-alive\n\n');
  }

  private flushNotice(): void {
    if (this.skipped === 0 || this.closed || this.res.writableLength > this.maxPendingBytes) return;
    const count = this.skipped;
    this.skipped = 0;
    this.res.write(`event: skipped\ndata: ${JSON.stringify({ count })}\n\n`);
  }
}
