import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Response } from 'express';
import { sampleEvent } from '../../sinks/opensearch/sample-event.js';
import { SseStream } from './sse-stream.js';

/** A response stand-in whose buffered byte count the test controls, like a socket a slow client does not read. */
class FakeResponse extends EventEmitter {
  writableLength = 0;
  written: string[] = [];
  headers: Record<string, string> = {};
  status(): this {
    return this;
  }
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  flushHeaders(): void {}
  write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }
}

describe('SseStream', () => {
  it('writes each event as one data line, even with CR, LF and escape characters', () => {
    const res = new FakeResponse();
    const stream = new SseStream(res as unknown as Response, 1000);
    expect(stream.sendEvent(sampleEvent(1, { message: 'a\r\nb\u001b[31m' }))).to.equal(true);
    const frame = res.written[0]!;
    expect(frame.split('\n').filter((line) => line.startsWith('data: '))).to.have.length(1);
    expect(frame).to.include('a\\r\\nb\\u001b[31m');
    expect(res.headers['content-type']).to.equal('text/event-stream; charset=utf-8');
  });

  it('skips events while the client is behind, and reports how many once it drained', () => {
    const res = new FakeResponse();
    const stream = new SseStream(res as unknown as Response, 1000);
    res.writableLength = 5000;
    expect(stream.sendEvent(sampleEvent(1))).to.equal(false);
    expect(stream.sendEvent(sampleEvent(2))).to.equal(false);
    expect(stream.sendEvent(sampleEvent(3))).to.equal(false);
    expect(res.written).to.have.length(0);
    expect(stream.pendingSkipped).to.equal(3);
    res.writableLength = 0;
    res.emit('drain');
    expect(res.written).to.deep.equal(['event: skipped\ndata: {"count":3}\n\n']);
    expect(stream.sendEvent(sampleEvent(4))).to.equal(true);
    expect(res.written).to.have.length(2);
  });

  it('writes nothing after the client went away', () => {
    const res = new FakeResponse();
    const stream = new SseStream(res as unknown as Response, 1000);
    res.emit('close');
    expect(stream.sendEvent(sampleEvent(1))).to.equal(false);
    expect(res.written).to.have.length(0);
  });
});
