/**
 * A latency cell: the per-event unit of window-count's state. One cell per (window, service, level,
 * sketch bin) counts the events of that bin with their exact latency sum and max and the newest
 * ingest time; events without a latency share one cell per level. A cell is four float64s, so
 * logging it to the changelog on every event costs one 32-byte buffer, never a whole sketch.
 */
import { SerializationError } from '../../topology/index.js';
import type { Serde } from '../../topology/index.js';

/** [count, latency sum ms, latency max ms, newest ingest time ms]; mutated in place by window-count. */
export type LatencyCell = [count: number, sumMs: number, maxMs: number, lastIngestMs: number];

/** Bin label of the cell of events without a latency. */
export const NO_LATENCY_BIN = 'n';

const CELL_BYTES = 32;

/** A fresh, empty cell. */
export function emptyCell(): LatencyCell {
  return [0, 0, 0, 0];
}

/** The 32-byte serde of cells (little-endian float64 x4); malformed bytes are a SerializationError. */
export const latencyCellSerde: Serde<LatencyCell> = {
  serialize(_topic: string, cell: LatencyCell | null): Buffer | null {
    if (cell === null) return null;
    const out = Buffer.allocUnsafe(CELL_BYTES);
    out.writeDoubleLE(cell[0], 0);
    out.writeDoubleLE(cell[1], 8);
    out.writeDoubleLE(cell[2], 16);
    out.writeDoubleLE(cell[3], 24);
    return out;
  },
  deserialize(topic: string, data: Buffer | null): LatencyCell | null {
    if (data === null) return null;
    if (data.length !== CELL_BYTES) throw new SerializationError(`a latency cell is ${CELL_BYTES} bytes, got ${data.length}`, topic);
    const cell: LatencyCell = [data.readDoubleLE(0), data.readDoubleLE(8), data.readDoubleLE(16), data.readDoubleLE(24)];
    if (!cell.every(Number.isFinite) || cell[0] < 0) throw new SerializationError('a latency cell holds a non-finite or negative count', topic);
    return cell;
  },
};

const SEP = '\u0001';

/** Store key of a cell: window start, level index, bin (integer or NO_LATENCY_BIN), then the service (last, so it may contain anything). */
export function cellKey(windowStartMs: number, levelIndex: number, bin: number | string, service: string): string {
  return `${windowStartMs}${SEP}${levelIndex}${SEP}${bin}${SEP}${service}`;
}

/** The parts of a cell key; undefined when `key` is not one. */
export function parseCellKey(key: string): { windowStartMs: number; levelIndex: number; bin: number | typeof NO_LATENCY_BIN; service: string } | undefined {
  const a = key.indexOf(SEP);
  const b = key.indexOf(SEP, a + 1);
  const c = key.indexOf(SEP, b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  const windowStartMs = Number(key.slice(0, a));
  const levelIndex = Number(key.slice(a + 1, b));
  const binText = key.slice(b + 1, c);
  const bin = binText === NO_LATENCY_BIN ? NO_LATENCY_BIN : Number(binText);
  if (!Number.isSafeInteger(windowStartMs) || !Number.isInteger(levelIndex) || (bin !== NO_LATENCY_BIN && !Number.isInteger(bin))) return undefined;
  return { windowStartMs, levelIndex, bin, service: key.slice(c + 1) };
}
