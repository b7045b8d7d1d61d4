/**
 * The Prometheus metrics of the topology library (`sawmill_topology_*`), shared by the tasks (records
 * in/out, processing time, late records, dead letters, restoration) and the runtime (commit time, lag).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricName } from '../../lib/metrics.js';

/** Every metric of the topology library; create it once per Registry with `createTopologyMetrics`. */
export interface TopologyMetrics {
  /** Records received by each node (source, processor or sink), label `processor`. */
  readonly recordsIn: Counter<'processor'>;
  /** Records forwarded (or produced, for sinks) by each node, label `processor`. */
  readonly recordsOut: Counter<'processor'>;
  /** Time to run one input record through its sub-topology, label `subtopology`. */
  readonly processSeconds: Histogram<'subtopology'>;
  /** Time of one commit (flush of outputs plus offset commit); observed by the runtime. */
  readonly commitSeconds: Histogram;
  /** Consumer lag in records per input partition (`sawmill_topology_lag_records`); set by the runtime after each batch and on a timer. */
  readonly lag: Gauge<'topic' | 'partition'>;
  /** Changelog records applied to stores during restoration, label `store`. */
  readonly restoreRecords: Counter<'store'>;
  /** Records that arrived after their window's grace period, label `processor`. */
  readonly lateRecords: Counter<'processor'>;
  /** Records sent to the dead-letter topic, label `reason`. */
  readonly deadLetters: Counter<'reason'>;
  /** Records skipped under `log-and-continue` (or dropped as invalid, e.g. a null key into an aggregation), label `reason`. */
  readonly skippedRecords: Counter<'reason'>;
}

/** Returns the topology metrics registered on `registry`, reusing those already registered there (several runtimes may share one registry). */
export function createTopologyMetrics(registry: Registry): TopologyMetrics {
  const counter = <L extends string>(thing: string, help: string, labelNames: readonly L[]): Counter<L> =>
    (registry.getSingleMetric(metricName('topology', thing)) as Counter<L> | undefined) ??
    new Counter<L>({ name: metricName('topology', thing), help, labelNames, registers: [registry] });
  const histogram = <L extends string>(thing: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> =>
    (registry.getSingleMetric(metricName('topology', thing)) as Histogram<L> | undefined) ??
    new Histogram<L>({ name: metricName('topology', thing), help, labelNames, buckets, registers: [registry] });
  const lagName = metricName('topology', 'lag_records');
  return {
    recordsIn: counter('records_in_total', 'Records received by each topology node.', ['processor']),
    recordsOut: counter('records_out_total', 'Records forwarded or produced by each topology node.', ['processor']),
    processSeconds: histogram('process_seconds', 'Time to process one input record through its sub-topology.', ['subtopology'],
      [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1]),
    commitSeconds: histogram('commit_seconds', 'Time of one commit of outputs and input offsets.', [], [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]),
    lag: (registry.getSingleMetric(lagName) as Gauge<'topic' | 'partition'> | undefined) ??
      new Gauge({ name: lagName, help: 'Consumer lag in records per input partition.', labelNames: ['topic', 'partition'], registers: [registry] }),
    restoreRecords: counter('restore_records_total', 'Changelog records applied to state stores during restoration.', ['store']),
    lateRecords: counter('late_records_total', 'Records later than their window grace period.', ['processor']),
    deadLetters: counter('dead_letters_total', 'Records sent to the dead-letter topic.', ['reason']),
    skippedRecords: counter('skipped_records_total', 'Records skipped (bad record under log-and-continue, or invalid for the operator).', ['reason']),
  };
}
