/** The result of bench/kafka/producer-perf.ts: bench/results/kafka-producer-perf.json. */
import type { ProducerPerfFigures } from './producer-perf-output.js';
import type { RawEventSize } from './raw-event-size.js';

/** The result file, format `sawmill-kafka-producer-perf/1`. */
export interface KafkaProducerPerfResult {
  readonly format: 'sawmill-kafka-producer-perf/1';
  readonly created_at: string;
  readonly machine: { readonly cpus: number; readonly memory_gib: number; readonly load_average_1m_start: number; readonly load_average_1m_end: number };
  readonly settings: { readonly topic: string; readonly partitions: number; readonly records: number; readonly record_size_bytes: number; readonly producer: string };
  readonly record_size: RawEventSize | { readonly given: number };
  /** Seconds from spawning the JVM to its exit (start-up included; the tool's own rate excludes it). */
  readonly wall_seconds: number;
  readonly result: ProducerPerfFigures;
}
