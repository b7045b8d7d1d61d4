/**
 * The topology benchmark's input: a deterministic stream of small JSON log events and the ground
 * truth both engines' outputs are checked against. Pure (no Kafka), so it is unit-tested.
 */

/** One input record's value, as JSON in the topic. */
export interface BenchEvent {
  readonly service: string;
  readonly level: BenchLevel;
  /** event time, ms since the epoch; also the Kafka record timestamp */
  readonly ts: number;
  readonly latency_ms: number;
}

/** Log levels of the bench events; DEBUG is what the stateless topology drops. */
export type BenchLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** One generated record: key `host/service`, the event, and its JSON text. */
export interface BenchRecord {
  readonly key: string;
  readonly event: BenchEvent;
  readonly value: string;
}

/** What shapes the generated data; the same options always give the same records. */
export interface BenchInputOptions {
  /** number of records */
  readonly records: number;
  /** PRNG seed */
  readonly seed: number;
  /** event time of the first record, ms since the epoch */
  readonly baseTimestampMs: number;
  /** event times are spread evenly (non-decreasing) over this many ms */
  readonly spanMs: number;
}

/** Expected outputs of the two benchmark topologies for one input. */
export interface GroundTruth {
  readonly records: number;
  readonly seed: number;
  readonly baseTimestampMs: number;
  readonly spanMs: number;
  readonly windowMs: number;
  /** records the stateless topology keeps (level != DEBUG) */
  readonly statelessOutputRecords: number;
  /** final count per window, keyed `service|level@windowStartMs` (the output key of both engines) */
  readonly windowedCounts: Readonly<Record<string, number>>;
}

/** Services of the bench events. */
export const BENCH_SERVICES = ['checkout', 'payments', 'search', 'auth', 'inventory', 'shipping', 'frontend', 'notifications'] as const;
const HOSTS = Array.from({ length: 24 }, (_, i) => `host-${String(i + 1).padStart(2, '0')}`);
// cumulative weights: DEBUG 15%, INFO 65%, WARN 12%, ERROR 8%
const LEVELS: readonly (readonly [BenchLevel, number])[] = [['DEBUG', 0.15], ['INFO', 0.8], ['WARN', 0.92], ['ERROR', 1]];

/** Start of the tumbling window (epoch-aligned, as in Kafka Streams) that holds `ts`. */
export function windowStart(ts: number, windowMs: number): number {
  return ts - (((ts % windowMs) + windowMs) % windowMs);
}

/** The output key both engines' windowed topologies write for a (service, level, window). */
export function windowedOutputKey(service: string, level: string, windowStartMs: number): string {
  return `${service}|${level}@${windowStartMs}`;
}

/** mulberry32: a tiny seeded PRNG, good enough to make the data look varied and reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Yields the records in order; event times never decrease, so each partition is in event-time order. */
export function* generateBenchRecords(options: BenchInputOptions): Generator<BenchRecord> {
  const { records, seed, baseTimestampMs, spanMs } = options;
  if (!Number.isInteger(records) || records <= 0) throw new RangeError('records must be a positive integer');
  if (!Number.isInteger(spanMs) || spanMs <= 0) throw new RangeError('spanMs must be a positive integer');
  const random = prng(seed);
  for (let i = 0; i < records; i += 1) {
    const host = HOSTS[Math.floor(random() * HOSTS.length)] as string;
    const service = BENCH_SERVICES[Math.floor(random() * BENCH_SERVICES.length)] as string;
    const r = random();
    const level = (LEVELS.find(([, upTo]) => r < upTo) ?? LEVELS[LEVELS.length - 1])?.[0] ?? 'INFO';
    const event: BenchEvent = {
      service,
      level,
      ts: baseTimestampMs + Math.floor((i * spanMs) / records),
      latency_ms: Math.round(-Math.log(1 - random()) * 400) / 10,
    };
    yield { key: `${host}/${service}`, event, value: JSON.stringify(event) };
  }
}

/** Accumulates the ground truth record by record, so the loader can build it while it produces. */
export class GroundTruthBuilder {
  private readonly counts = new Map<string, number>();
  private kept = 0;
  private seen = 0;

  constructor(
    private readonly options: BenchInputOptions,
    private readonly windowMs: number,
  ) {}

  /** Adds one generated event. */
  add(event: BenchEvent): void {
    this.seen += 1;
    if (event.level !== 'DEBUG') this.kept += 1;
    const key = windowedOutputKey(event.service, event.level, windowStart(event.ts, this.windowMs));
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** The truth for the events added so far (keys sorted, for stable files). */
  result(): GroundTruth {
    return {
      records: this.seen,
      seed: this.options.seed,
      baseTimestampMs: this.options.baseTimestampMs,
      spanMs: this.options.spanMs,
      windowMs: this.windowMs,
      statelessOutputRecords: this.kept,
      windowedCounts: Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    };
  }
}

/** Computes what both topologies must output for this input (windowed: final count per window). */
export function computeGroundTruth(options: BenchInputOptions, windowMs: number): GroundTruth {
  const builder = new GroundTruthBuilder(options, windowMs);
  for (const { event } of generateBenchRecords(options)) builder.add(event);
  return builder.result();
}
