/**
 * The non-windowed aggregation behind `groupByKey().count/aggregate/reduce`: one running aggregate
 * per key in a key-value store, each update forwarded downstream (a KTable changelog stream).
 */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { KeyValueStore } from '../api/state-store.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';
import type { Aggregator } from './windowed-aggregate.js';

/** Aggregates per key into the key-value store `storeName`. */
export class KeyValueAggregateProcessor<K, V, VA> implements Processor<K, V, K, VA> {
  private context!: InternalProcessorContext<K, VA>;
  private store!: KeyValueStore<K, VA>;

  constructor(
    private readonly storeName: string,
    private readonly initializer: () => VA,
    private readonly aggregator: Aggregator<K, V, VA>,
  ) {}

  init(context: InternalProcessorContext<K, VA>): void {
    this.context = context;
    this.store = context.getStateStore<KeyValueStore<K, VA>>(this.storeName);
  }

  process(record: Record<K, V>): void {
    if (record.key === null || record.value === null) {
      this.context.reportSkippedRecord(record.key === null ? 'null-key' : 'null-value');
      return;
    }
    const previous = this.store.get(record.key);
    const aggregate = this.aggregator(record.key, record.value, previous === undefined ? this.initializer() : previous);
    this.store.put(record.key, aggregate);
    this.context.forward({ key: record.key, value: aggregate, timestamp: record.timestamp, headers: record.headers });
  }
}
