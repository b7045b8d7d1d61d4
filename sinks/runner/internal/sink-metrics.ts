/**
 * The `sawmill_sink_*` metrics, labelled by `sink`. Several runners (the three PostgreSQL
 * streams) may share one registry, so each metric is created once per registry and reused.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricName } from '../../../lib/metrics.js';

/** The metrics of one runner, already bound to its `sink` label where possible. */
export interface SinkMetrics {
  readonly batchRecords: Histogram<'sink'>;
  readonly batchBytes: Histogram<'sink'>;
  readonly writeSeconds: Histogram<'sink'>;
  readonly records: Counter<'sink' | 'outcome'>;
  readonly retries: Counter<'sink' | 'kind'>;
  readonly deadLetters: Counter<'sink' | 'topic'>;
  readonly lag: Gauge<'sink' | 'topic' | 'partition'>;
  readonly paused: Gauge<'sink'>;
}

function getOrCreate<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/** Returns the sink metrics registered in `registry`, creating them on first use. */
export function sinkMetrics(registry: Registry): SinkMetrics {
  const name = (thing: string): string => metricName('sink', thing);
  const registers = [registry];
  return {
    batchRecords: getOrCreate(registry, name('batch_records'), () => new Histogram({
      name: name('batch_records'), help: 'Records per write batch', labelNames: ['sink'], registers,
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10_000],
    })),
    batchBytes: getOrCreate(registry, name('batch_bytes'), () => new Histogram({
      name: name('batch_bytes'), help: 'Kafka value bytes per write batch', labelNames: ['sink'], registers,
      buckets: [1024, 16_384, 131_072, 524_288, 1_048_576, 4_194_304, 16_777_216],
    })),
    writeSeconds: getOrCreate(registry, name('write_duration_seconds'), () => new Histogram({
      name: name('write_duration_seconds'), help: 'Time of one successful store write', labelNames: ['sink'], registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    })),
    records: getOrCreate(registry, name('records_total'), () => new Counter({
      name: name('records_total'), help: 'Records settled, by outcome (stored, duplicate, dead_lettered)', labelNames: ['sink', 'outcome'], registers,
    })),
    retries: getOrCreate(registry, name('retries_total'), () => new Counter({
      name: name('retries_total'), help: 'Retriable failures retried with backoff (batch: the whole write; item: single records; decode: registry lookups; dead_letter: DLQ sends)', labelNames: ['sink', 'kind'], registers,
    })),
    deadLetters: getOrCreate(registry, name('dead_letters_total'), () => new Counter({
      name: name('dead_letters_total'), help: 'Poison records sent to the dead-letter topic, by source topic', labelNames: ['sink', 'topic'], registers,
    })),
    lag: getOrCreate(registry, name('lag_records'), () => new Gauge({
      name: name('lag_records'), help: 'Records between the committed offset of the sink and the end of the partition', labelNames: ['sink', 'topic', 'partition'], registers,
    })),
    paused: getOrCreate(registry, name('paused'), () => new Gauge({
      name: name('paused'), help: '1 while the sink waits out a retriable failure with its partitions paused', labelNames: ['sink'], registers,
    })),
  };
}
