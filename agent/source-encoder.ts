/**
 * Turns the lines of one source into shipments: joins multiline events per stream, parses each
 * event, builds the raw event, encodes it, and hands the shipment to the delivery queue. Every
 * line read ends up in exactly one shipment's acknowledgement ranges, so every line is
 * acknowledged once Kafka has it.
 *
 * Calls are served one at a time, in order (the multiline timeout flush included), so the
 * events of a stream reach the queue in file order.
 */
import { MultilineAssembler } from './parsers/index.js';
import { createParser, type LineParser } from './parsers/index.js';
import { buildRawEvent, type RawSourceKind } from './raw-event.js';
import type { AckRange, Shipment } from './shipper/shipment.js';
import type { EncodedRecord } from './shipper/kafka-shipper.js';
import type { SourceConfig } from './config.js';
import type { RawLogEvent } from './raw-event.js';

/** One physical line as any source reads it. */
export interface InputLine {
  streamId: string;
  offset: number;
  nextOffset: number;
  text: string;
  truncated: boolean;
  eventId: string;
  path?: string;
}

/** Options of `SourceEncoder`. */
export interface SourceEncoderOptions {
  source: SourceConfig;
  kind: RawSourceKind;
  agentId: string;
  host: string;
  /** Encodes an event for Kafka (KafkaShipper.encode). */
  encode: (event: RawLogEvent) => EncodedRecord;
  /** Hands a shipment on; resolves once it is held (DeliveryQueue.accept). */
  accept: (shipment: Shipment) => Promise<unknown>;
  /** Next value of the agent-wide event sequence. */
  nextSequence: () => number;
  now?: () => number;
}

interface StreamState {
  assembler: MultilineAssembler<InputLine>;
  lastPushMs: number;
  truncatedOffsets: number[];
}

/** The per-source encoder; see the file comment. */
export class SourceEncoder {
  private readonly parser: LineParser;
  private readonly streams = new Map<string, StreamState>();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly labels: Record<string, string>;

  constructor(private readonly options: SourceEncoderOptions) {
    this.parser = createParser(options.source.parser, `source ${options.source.id}`);
    this.now = options.now ?? Date.now;
    this.labels = { ...options.source.labels };
  }

  /**
   * Encodes and hands on the events these lines complete; resolves once the queue holds them.
   * `settle` is called once they are durable. With `complete`, pending multiline events of these
   * lines' streams are ended too (an HTTP request or the end of stdin ends its stream).
   */
  submit(lines: readonly InputLine[], settle?: () => void, complete = false): Promise<void> {
    return this.serialized(async () => {
      const events: Array<{ first: InputLine; last: InputLine; text: string; lines: number; truncated: boolean }> = [];
      if (this.options.source.multiline === undefined) {
        for (const line of lines) events.push({ first: line, last: line, text: line.text, lines: 1, truncated: line.truncated });
      } else {
        for (const line of lines) {
          const state = this.stream(line.streamId);
          state.lastPushMs = this.now();
          if (line.truncated) state.truncatedOffsets.push(line.offset);
          for (const event of state.assembler.push(line.text, line)) events.push(this.fromMultiline(state, event));
        }
        if (complete) {
          for (const streamId of new Set(lines.map((l) => l.streamId))) {
            const state = this.stream(streamId);
            const event = state.assembler.flush();
            if (event) events.push(this.fromMultiline(state, event));
            this.streams.delete(streamId);
          }
        }
      }
      await this.ship(events, settle);
    });
  }

  /** Hands on multiline events that waited longer than their timeout (or all of them with `all`). */
  flushPending(all = false): Promise<void> {
    return this.serialized(async () => {
      const timeoutMs = this.options.source.multiline?.timeoutMs ?? 1000;
      const events = [];
      for (const state of this.streams.values()) {
        if (!state.assembler.pending || (!all && this.now() - state.lastPushMs < timeoutMs)) continue;
        const event = state.assembler.flush();
        if (event) events.push(this.fromMultiline(state, event));
      }
      await this.ship(events);
    });
  }

  private fromMultiline(state: StreamState, event: { text: string; lines: number; firstMeta: InputLine; lastMeta: InputLine }): { first: InputLine; last: InputLine; text: string; lines: number; truncated: boolean } {
    const { firstMeta: first, lastMeta: last } = event;
    const truncated = state.truncatedOffsets.some((o) => o >= first.offset && o <= last.offset);
    state.truncatedOffsets = state.truncatedOffsets.filter((o) => o > last.offset);
    return { first, last, text: event.text, lines: event.lines, truncated };
  }

  private stream(streamId: string): StreamState {
    let state = this.streams.get(streamId);
    if (!state) {
      state = { assembler: new MultilineAssembler<InputLine>(this.options.source.multiline ?? { preset: 'java' }), lastPushMs: this.now(), truncatedOffsets: [] };
      this.streams.set(streamId, state);
    }
    return state;
  }

  private async ship(events: Array<{ first: InputLine; last: InputLine; text: string; lines: number; truncated: boolean }>, settle?: () => void): Promise<void> {
    if (events.length === 0) {
      settle?.();
      return;
    }
    const records: EncodedRecord[] = [];
    const acks: AckRange[] = [];
    let lines = 0;
    const observed = this.now();
    for (const event of events) {
      const parsed = this.parser.parse(event.text, { now: observed });
      const raw = buildRawEvent(
        {
          eventId: event.first.eventId,
          agentId: this.options.agentId,
          sequence: this.options.nextSequence(),
          kind: this.options.kind,
          sourceId: this.options.source.id,
          path: event.first.path,
          streamId: event.first.streamId,
          offset: event.first.offset,
          text: event.text,
          truncated: event.truncated,
          observedTimestampMs: observed,
          host: this.options.host,
          labels: this.labels,
        },
        parsed,
      );
      records.push(this.options.encode(raw));
      lines += event.lines;
      const previous = acks.at(-1);
      // Contiguous ranges of one stream merge, so a shipment carries few ranges.
      if (previous && previous.streamId === event.first.streamId && previous.nextOffset === event.first.offset) previous.nextOffset = event.last.nextOffset;
      else acks.push({ streamId: event.first.streamId, offset: event.first.offset, nextOffset: event.last.nextOffset });
    }
    const shipment: Shipment = { sourceId: this.options.source.id, lines, records, acks };
    if (settle) shipment.settle = settle;
    await this.options.accept(shipment);
  }

  private serialized(fn: () => Promise<void>): Promise<void> {
    const result = this.chain.then(fn);
    this.chain = result.catch(() => undefined);
    return result;
  }
}
