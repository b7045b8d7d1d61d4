/**
 * Parses the output of Kafka's `kafka-producer-perf-test` (org.apache.kafka.tools.ProducerPerformance):
 * progress lines every five seconds, then one final line with the totals and percentiles, e.g.
 * `300000 records sent, 41823.5 records/sec (15.95 MB/sec), 54.89 ms avg latency, 352.00 ms max
 * latency, 17 ms 50th, 240 ms 95th, 306 ms 99th, 343 ms 99.9th.`
 */

/** The totals of one producer-perf-test run, as its final line states them. */
export interface ProducerPerfFigures {
  readonly records: number;
  readonly records_per_s: number;
  /** The tool's MB is 1024 × 1024 bytes of record payload (before compression). */
  readonly mb_per_s: number;
  readonly latency_ms: { readonly avg: number; readonly max: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly p999: number };
}

const NUMBER = '([0-9]+(?:\\.[0-9]+)?)';
// Only the final line carries percentiles; the progress lines stop at "max latency.".
const FINAL_LINE = new RegExp(
  `^${NUMBER} records sent, ${NUMBER} records/sec \\(${NUMBER} MB/sec\\), ${NUMBER} ms avg latency, ${NUMBER} ms max latency, ` +
    `${NUMBER} ms 50th, ${NUMBER} ms 95th, ${NUMBER} ms 99th, ${NUMBER} ms 99\\.9th\\.?$`,
);

/** Thrown when the output holds no final summary line (the tool failed or was cut short). */
export class ProducerPerfOutputError extends Error {
  override readonly name = 'ProducerPerfOutputError';
}

/** Returns the figures of the last summary line in `stdout`; throws ProducerPerfOutputError when there is none. */
export function parseProducerPerfOutput(stdout: string): ProducerPerfFigures {
  const lines = stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = FINAL_LINE.exec(lines[i] ?? '');
    if (match === null) continue;
    const n = (index: number): number => Number(match[index]);
    return {
      records: n(1),
      records_per_s: n(2),
      mb_per_s: n(3),
      latency_ms: { avg: n(4), max: n(5), p50: n(6), p95: n(7), p99: n(8), p999: n(9) },
    };
  }
  const tail = lines.slice(-2).join(' | ');
  throw new ProducerPerfOutputError(`no final summary line in the producer-perf-test output${tail === '' ? ' (empty)' : `; it ended with: ${tail.slice(0, 300)}`}`);
}
