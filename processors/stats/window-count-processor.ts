/**
 * The processor behind window-count. Per event it does constant work: find the window's aggregate
 * in memory, bump one latency cell, log that 32-byte cell to the changelog, and offer the line as a
 * sample. When stream time passes a window's end plus grace, it emits the window's WindowedStats
 * and ServiceWindow, folds it into the larger windows' rollups and deletes its cells.
 *
 * Why not `groupBy().windowedBy().aggregate().suppress()`: the library logs the whole aggregate to
 * the changelog on every update, twice (window store and suppression buffer), per window size. With
 * a sketch and samples in the aggregate that is kilobytes of serialisation and changelog traffic per
 * event; here it is one small cell.
 *
 * The in-memory maps mirror the stores; they are rebuilt from the stores on first use, because
 * stores are restored from their changelogs after `init`.
 */
import type { Logger } from '../../lib/logger.js';
import type { EnrichedLogEvent, WindowedStat } from '../../schemas/log-schemas.js';
import type { KeyValueStore, Processor, ProcessorContext, Record } from '../../topology/index.js';
import { cellKey, emptyCell, NO_LATENCY_BIN, parseCellKey, type LatencyCell } from './latency-cell.js';
import { latencyBin } from './latency-sketch.js';
import { offerSample, sampleOf, sortSlowest, wouldKeepSample } from './sample-set.js';
import type { ServiceWindow, WindowSamples } from './service-window.js';
import { isErrorLevelIndex, LEVEL_INDEX, WindowAggregate } from './window-aggregate.js';
import { CLOCK_KEY, parseWindowStoreKey, rollupKey, sampleKey, type WindowStoreValue } from './window-store-value.js';

/** What the processor forwards: a per-level stat (key `service|level|size|start`) or a service window (key = service). */
export type WindowCountRecord = { kind: 'stat'; stat: WindowedStat } | { kind: 'window'; window: ServiceWindow };

/** Settings of one processor instance (already validated by window-count.ts). */
export interface WindowCountProcessorOptions {
  /** Ascending; the first is the counted window, the others multiples of it rolled up from it. */
  windowSizesMs: readonly number[];
  graceMs: number;
  cellStoreName: string;
  windowStoreName: string;
  logger: Logger;
}

const UNKNOWN_INDEX = LEVEL_INDEX.get('UNKNOWN')!;

/** Key of a WindowedStat on stats.windowed. */
export function statKey(stat: WindowedStat): string {
  return `${stat.service}|${stat.level}|${stat.windowSizeMs}|${stat.windowStartMs}`;
}

/** See the file header. */
export class WindowCountProcessor implements Processor<string, EnrichedLogEvent, string, WindowCountRecord> {
  private context!: ProcessorContext<string, WindowCountRecord>;
  private cells!: KeyValueStore<string, LatencyCell>;
  private windows!: KeyValueStore<string, WindowStoreValue>;
  private readonly size: number;
  private readonly rollupSizes: readonly number[];
  /** Open windows of the smallest size: start -> service -> aggregate. */
  private readonly open = new Map<number, Map<string, WindowAggregate>>();
  /** Open rollups: size -> start -> service -> aggregate. */
  private readonly rollups = new Map<number, Map<number, Map<string, WindowAggregate>>>();
  private streamTimeMs = -1;
  /** Earliest end + grace of an open window: nothing closes before stream time reaches it. */
  private nextCloseAtMs = Number.POSITIVE_INFINITY;
  private loaded = false;

  constructor(private readonly options: WindowCountProcessorOptions) {
    this.size = options.windowSizesMs[0]!;
    this.rollupSizes = options.windowSizesMs.slice(1);
    for (const size of this.rollupSizes) this.rollups.set(size, new Map());
  }

  init(context: ProcessorContext<string, WindowCountRecord>): void {
    this.context = context;
    this.cells = context.getStateStore(this.options.cellStoreName);
    this.windows = context.getStateStore(this.options.windowStoreName);
  }

  process(record: Record<string, EnrichedLogEvent>): void {
    if (!this.loaded) this.load();
    const event = record.value;
    if (event === null) return;
    const ts = Number.isFinite(event.timestampMs) && event.timestampMs >= 0 ? event.timestampMs : record.timestamp;
    if (ts > this.streamTimeMs) this.streamTimeMs = ts;
    const start = ts - (ts % this.size);
    if (start + this.size + this.options.graceMs <= this.streamTimeMs) {
      this.reportLate(`event time ${ts}: window [${start}, ${start + this.size}) closed at stream time ${this.streamTimeMs} (grace ${this.options.graceMs} ms)`);
      return;
    }
    const service = event.service;
    let byService = this.open.get(start);
    if (byService === undefined) {
      this.open.set(start, (byService = new Map()));
      this.nextCloseAtMs = Math.min(this.nextCloseAtMs, start + this.size + this.options.graceMs);
    }
    let aggregate = byService.get(service);
    if (aggregate === undefined) byService.set(service, (aggregate = new WindowAggregate()));

    const levelIndex = LEVEL_INDEX.get(event.level) ?? UNKNOWN_INDEX;
    const cells = aggregate.level(levelIndex);
    const latency = event.latencyMs;
    const hasLatency = latency !== null && Number.isFinite(latency) && latency >= 0;
    let cell: LatencyCell;
    let bin: number | typeof NO_LATENCY_BIN;
    if (hasLatency) {
      bin = latencyBin(latency);
      cell = cells.bins.get(bin) ?? emptyCell();
      if (cell[0] === 0) cells.bins.set(bin, cell);
      cell[1] += latency;
      if (latency > cell[2]) cell[2] = latency;
    } else {
      bin = NO_LATENCY_BIN;
      cell = cells.plain;
    }
    cell[0] += 1;
    if (event.ingestTimestampMs > cell[3]) cell[3] = event.ingestTimestampMs;
    this.cells.put(cellKey(start, levelIndex, bin, service), cell);

    const isError = isErrorLevelIndex(levelIndex);
    const sampleLatency = hasLatency ? latency : null;
    if (wouldKeepSample(aggregate.samples, isError, sampleLatency)) {
      offerSample(aggregate.samples, isError, sampleLatency, () => sampleOf(event, sampleLatency), (list, slot, sample) =>
        this.windows.put(sampleKey(start, service, list, slot), sample === null ? null : { kind: 'sample', sample }),
      );
    }
    if (this.streamTimeMs >= this.nextCloseAtMs) this.closeDue();
  }

  /** Emits and forgets every window whose end + grace is at or before stream time, smallest windows first. */
  private closeDue(): void {
    const closeTime = this.streamTimeMs - this.options.graceMs;
    const emittedAtMs = this.context.currentSystemTimeMs();
    const starts = [...this.open.keys()].sort((a, b) => a - b);
    for (const start of starts) {
      if (start + this.size > closeTime) break;
      const byService = this.open.get(start)!;
      for (const service of [...byService.keys()].sort()) {
        const aggregate = byService.get(service)!;
        this.emit(aggregate, service, this.size, start, emittedAtMs);
        for (const size of this.rollupSizes) this.rollUp(aggregate, service, size, start - (start % size));
        this.forgetCells(aggregate, service, start);
      }
      this.open.delete(start);
    }
    for (const size of this.rollupSizes) {
      const byStart = this.rollups.get(size)!;
      for (const start of [...byStart.keys()].sort((a, b) => a - b)) {
        if (start + size > closeTime) continue;
        const byService = byStart.get(start)!;
        for (const service of [...byService.keys()].sort()) {
          this.emit(byService.get(service)!, service, size, start, emittedAtMs);
          this.windows.put(rollupKey(size, start, service), null);
        }
        byStart.delete(start);
      }
    }
    this.windows.put(CLOCK_KEY, { kind: 'clock', streamTimeMs: this.streamTimeMs });
    let next = Number.POSITIVE_INFINITY;
    for (const start of this.open.keys()) next = Math.min(next, start + this.size + this.options.graceMs);
    this.nextCloseAtMs = next;
  }

  private emit(aggregate: WindowAggregate, service: string, size: number, start: number, emittedAtMs: number): void {
    const { stats, window } = aggregate.outputs(service, size, start, emittedAtMs);
    const timestamp = start + size - 1;
    for (const stat of stats) this.context.forward({ key: statKey(stat), value: { kind: 'stat', stat }, timestamp, headers: {} });
    if (window.count > 0) this.context.forward({ key: service, value: { kind: 'window', window }, timestamp, headers: {} });
  }

  private rollUp(aggregate: WindowAggregate, service: string, size: number, start: number): void {
    const byStart = this.rollups.get(size)!;
    let byService = byStart.get(start);
    if (byService === undefined) byStart.set(start, (byService = new Map()));
    let rollup = byService.get(service);
    if (rollup === undefined) byService.set(service, (rollup = new WindowAggregate()));
    rollup.merge(aggregate);
    this.windows.put(rollupKey(size, start, service), { kind: 'rollup', aggregate: rollup.toJson() });
  }

  private forgetCells(aggregate: WindowAggregate, service: string, start: number): void {
    aggregate.levels.forEach((cells, levelIndex) => {
      if (cells === undefined) return;
      if (cells.plain[0] > 0) this.cells.put(cellKey(start, levelIndex, NO_LATENCY_BIN, service), null);
      for (const bin of cells.bins.keys()) this.cells.put(cellKey(start, levelIndex, bin, service), null);
    });
    const { first, errors, slowest } = aggregate.samples;
    first.forEach((_, slot) => this.windows.put(sampleKey(start, service, 'f', String(slot)), null));
    errors.forEach((_, slot) => this.windows.put(sampleKey(start, service, 'e', String(slot)), null));
    for (const sample of slowest) this.windows.put(sampleKey(start, service, 'w', sample.eventId), null);
  }

  /** Rebuilds the in-memory windows from the (restored) stores. */
  private load(): void {
    this.loaded = true;
    for (const [key, cell] of this.cells.all()) {
      const parsed = parseCellKey(key);
      if (parsed === undefined) {
        this.options.logger.warn({ store: this.options.cellStoreName, key }, 'window-count: ignoring a cell with a malformed key');
        continue;
      }
      const cells = this.openAggregate(parsed.windowStartMs, parsed.service).level(parsed.levelIndex);
      if (parsed.bin === NO_LATENCY_BIN) cells.plain = cell;
      else cells.bins.set(parsed.bin, cell);
    }
    const restoredSamples = new Set<WindowSamples>();
    // all() iterates in key order: JSON keys sort slots 0..4 in order within each list.
    for (const [key, value] of this.windows.all()) {
      if (value.kind === 'clock') {
        this.streamTimeMs = Math.max(this.streamTimeMs, value.streamTimeMs);
        continue;
      }
      const parsed = parseWindowStoreKey(key);
      if (parsed === undefined) continue;
      if (parsed.kind === 'sample' && value.kind === 'sample') {
        const samples = this.openAggregate(parsed.windowStartMs, parsed.service).samples;
        (parsed.list === 'f' ? samples.first : parsed.list === 'e' ? samples.errors : samples.slowest).push(value.sample);
        restoredSamples.add(samples);
      } else if (parsed.kind === 'rollup' && value.kind === 'rollup') {
        const byStart = this.rollups.get(parsed.windowSizeMs);
        if (byStart === undefined) continue; // a size no longer configured: its rollup is dropped
        let byService = byStart.get(parsed.windowStartMs);
        if (byService === undefined) byStart.set(parsed.windowStartMs, (byService = new Map()));
        byService.set(parsed.service, WindowAggregate.fromJson(value.aggregate));
      }
    }
    for (const samples of restoredSamples) sortSlowest(samples.slowest);
    for (const start of this.open.keys()) this.nextCloseAtMs = Math.min(this.nextCloseAtMs, start + this.size + this.options.graceMs);
  }

  private openAggregate(start: number, service: string): WindowAggregate {
    let byService = this.open.get(start);
    if (byService === undefined) this.open.set(start, (byService = new Map()));
    let aggregate = byService.get(service);
    if (aggregate === undefined) byService.set(service, (aggregate = new WindowAggregate()));
    return aggregate;
  }

  private reportLate(detail: string): void {
    // The task's late-record handling (metric, then drop or dead-letter) is on the internal context.
    const report = (this.context as unknown as { reportLateRecord?: (detail: string) => void }).reportLateRecord;
    if (report) report.call(this.context, detail);
    else this.options.logger.debug({ detail }, 'window-count: late record dropped');
  }
}
