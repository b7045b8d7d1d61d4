/**
 * The latency sketch of window-count: a DDSketch (@datadog/sketches-js, 1% relative accuracy,
 * mergeable, protobuf-serialisable). Per event we only compute the sketch's bin index (one log);
 * the sketch itself is built from per-bin counts when a window closes, so the hot path never
 * touches (or serialises) a whole sketch.
 */
import { DDSketch } from '@datadog/sketches-js';

/** Relative accuracy of every latency quantile Sawmill reports (the WindowedStat schema promises 1%). */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/** Bin index used for latencies too small for the sketch's log mapping (0 ms included): the sketch's zero count. */
export const ZERO_BIN = -1_000_000;

const mapping = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }).mapping;

/** The sketch bin of a latency in ms (ZERO_BIN for values at or below the mapping's smallest value). */
export function latencyBin(latencyMs: number): number {
  return latencyMs > mapping.minPossible ? mapping.key(latencyMs) : ZERO_BIN;
}

/** One bin of a latency histogram: how many values fell in it. */
export interface BinCount {
  readonly bin: number;
  readonly count: number;
}

/** Quantiles of a sketch in ms. */
export interface LatencyQuantiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** A mergeable latency sketch; see the file header. */
export class LatencySketch {
  private constructor(readonly sketch: DDSketch) {}

  /** An empty sketch. */
  static empty(): LatencySketch {
    return new LatencySketch(new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }));
  }

  /** A sketch holding exactly the given bin counts; `sumMs`/`maxMs` are the exact totals kept beside the bins. */
  static fromBins(bins: Iterable<BinCount>, sumMs: number, maxMs: number): LatencySketch {
    const out = LatencySketch.empty();
    const s = out.sketch;
    for (const { bin, count } of bins) {
      if (count <= 0) continue;
      if (bin === ZERO_BIN) s.zeroCount += count;
      else s.store.add(bin, count);
      s.count += count;
    }
    s.sum = sumMs;
    s.max = maxMs;
    return out;
  }

  /** Decodes the protobuf form written by `toBytes`; throws on malformed bytes. */
  static fromBytes(bytes: Uint8Array): LatencySketch {
    return new LatencySketch(DDSketch.fromProto(bytes));
  }

  /** Number of values. */
  get count(): number {
    return this.sketch.count;
  }

  /** Adds one value (tests and rollups; window-count itself goes through bins). */
  add(latencyMs: number, weight = 1): void {
    this.sketch.accept(latencyMs, weight);
  }

  /** Merges `other` into this sketch. */
  merge(other: LatencySketch): void {
    this.sketch.merge(other.sketch);
  }

  /** The value at quantile q in [0, 1] (NaN when empty), within 1% of a value of that rank. */
  quantile(q: number): number {
    return this.sketch.getValueAtQuantile(q);
  }

  /** p50, p95 and p99; undefined when empty. */
  quantiles(): LatencyQuantiles | undefined {
    if (this.sketch.count === 0) return undefined;
    return { p50Ms: this.quantile(0.5), p95Ms: this.quantile(0.95), p99Ms: this.quantile(0.99) };
  }

  /** The DDSketch protobuf (what WindowedStat.latencySketch carries). */
  toBytes(): Buffer {
    const proto = this.sketch.toProto();
    return Buffer.from(proto.buffer, proto.byteOffset, proto.byteLength);
  }
}
