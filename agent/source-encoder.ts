/**
 * Turns the lines of one source into shipments: joins CRI partial lines (formats `cri` and
 * `auto`) and then multiline events per stream, parses each event, builds the raw event,
 * encodes it, and hands the shipment to the delivery queue. Every line read ends up in exactly
 * one shipment's acknowledgement ranges, so every line is acknowledged once Kafka has it.
 *
 * Calls are served one at a time, in order (the multiline timeout flush included), so the
 * events of a stream reach the queue in file order.
 */
import { CriPartialAssembler, MultilineAssembler, type CriJoinedLine } from './parsers/index.js';
import { createParser, type LineParser } from './parsers/index.js';
import { DEFAULT_MULTILINE_MAX_BYTES, DEFAULT_MULTILINE_MAX_LINES, DEFAULT_MULTILINE_TIMEOUT_MS } from './parsers/multiline.js';
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
  /** CRI partial joining, for the formats that read CRI lines. */
  cri: CriPartialAssembler<InputLine> | undefined;
  /** Multiline joining, when the source configures it. */
  assembler: MultilineAssembler<InputLine> | undefined;
  lastPushMs: number;
  truncatedOffsets: number[];
}

/** An event ready to parse, with the physical lines it holds. */
interface ReadyEvent {
  first: InputLine;
  last: InputLine;
  text: string;
  lines: number;
  truncated: boolean;
}

/** The per-source encoder; see the file comment. */
export class SourceEncoder {
  private readonly parser: LineParser;
  private readonly streams = new Map<string, StreamState>();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly labels: Record<string, string>;
  private readonly joinsCri: boolean;

  constructor(private readonly options: SourceEncoderOptions) {
    this.parser = createParser(options.source.parser, `source ${options.source.id}`);
    this.joinsCri = this.parser.format === 'cri' || this.parser.format === 'auto';
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
      const events: ReadyEvent[] = [];
      if (!this.joinsCri && this.options.source.multiline === undefined) {
        for (const line of lines) events.push({ first: line, last: line, text: line.text, lines: 1, truncated: line.truncated });
      } else {
        for (const line of lines) {
          const state = this.stream(line.streamId);
          state.lastPushMs = this.now();
          if (state.cri === undefined) this.assemble(state, line, 1, events);
          else for (const joined of state.cri.push(line.text, line)) this.assembleCri(state, joined, events);
        }
        for (const streamId of new Set(lines.map((l) => l.streamId))) {
          const state = this.stream(streamId);
          if (complete) this.drain(state, events);
          // A stream that holds nothing is forgotten, so rotated files leave no state behind.
          if (complete || (state.cri?.pending !== true && state.assembler === undefined)) this.streams.delete(streamId);
        }
      }
      await this.ship(events, settle);
    });
  }

  /** Hands on CRI and multiline events that waited longer than their timeout (or all of them with `all`). */
  flushPending(all = false): Promise<void> {
    return this.serialized(async () => {
      const timeoutMs = this.options.source.multiline?.timeoutMs ?? DEFAULT_MULTILINE_TIMEOUT_MS;
      const events: ReadyEvent[] = [];
      for (const state of this.streams.values()) {
        const pending = state.cri?.pending === true || state.assembler?.pending === true;
        if (!pending || (!all && this.now() - state.lastPushMs < timeoutMs)) continue;
        this.drain(state, events);
      }
      await this.ship(events);
    });
  }

  /** Ends everything a stream holds: CRI lines first, then the multiline event they complete. */
  private drain(state: StreamState, events: ReadyEvent[]): void {
    for (const joined of state.cri?.flush() ?? []) this.assembleCri(state, joined, events);
    const event = state.assembler?.flush();
    if (event) events.push(this.fromMultiline(state, event));
  }

  /** Passes a joined CRI line on as one line covering its acknowledgement range. */
  private assembleCri(state: StreamState, joined: CriJoinedLine<InputLine>, events: ReadyEvent[]): void {
    const first = joined.metas[0];
    if (first === undefined) return;
    if (joined.metas.length === 1 && joined.ackOffset === first.offset && joined.ackNextOffset === first.nextOffset) {
      this.assemble(state, first, 1, events);
      return;
    }
    const line: InputLine = { ...first, offset: joined.ackOffset, nextOffset: joined.ackNextOffset, text: joined.text, truncated: joined.metas.some((m) => m.truncated) };
    this.assemble(state, line, joined.metas.length, events);
  }

  /** Turns one (possibly CRI-joined) line into events, through multiline joining when configured. */
  private assemble(state: StreamState, line: InputLine, physicalLines: number, events: ReadyEvent[]): void {
    if (state.assembler === undefined) {
      events.push({ first: line, last: line, text: line.text, lines: physicalLines, truncated: line.truncated });
      return;
    }
    if (line.truncated) state.truncatedOffsets.push(line.offset);
    for (const event of state.assembler.push(line.text, line, physicalLines)) events.push(this.fromMultiline(state, event));
  }

  private fromMultiline(state: StreamState, event: { text: string; lines: number; firstMeta: InputLine; lastMeta: InputLine }): ReadyEvent {
    const { firstMeta: first, lastMeta: last } = event;
    const truncated = state.truncatedOffsets.some((o) => o >= first.offset && o <= last.offset);
    state.truncatedOffsets = state.truncatedOffsets.filter((o) => o > last.offset);
    return { first, last, text: event.text, lines: event.lines, truncated };
  }

  private stream(streamId: string): StreamState {
    let state = this.streams.get(streamId);
    if (!state) {
      const multiline = this.options.source.multiline;
      state = {
        cri: this.joinsCri ? new CriPartialAssembler<InputLine>({ maxBytes: multiline?.maxBytes ?? DEFAULT_MULTILINE_MAX_BYTES, maxLines: multiline?.maxLines ?? DEFAULT_MULTILINE_MAX_LINES }) : undefined,
        assembler: multiline === undefined ? undefined : new MultilineAssembler<InputLine>(multiline),
        lastPushMs: this.now(),
        truncatedOffsets: [],
      };
      this.streams.set(streamId, state);
    }
    return state;
  }

  private async ship(events: ReadyEvent[], settle?: () => void): Promise<void> {
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
