/** The flatMapValues operator: zero or more values per input record, keeping its key. */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Forwards every value of `mapper(value, key)` under the input key. */
export class FlatMapValuesProcessor<K, V, VR> implements Processor<K, V, K, VR> {
  private context!: InternalProcessorContext<K, VR>;

  constructor(private readonly mapper: (value: V, key: K) => Iterable<VR>) {}

  init(context: InternalProcessorContext<K, VR>): void {
    this.context = context;
  }

  process(record: Record<K, V>): void {
    for (const value of this.mapper(record.value as V, record.key as K)) {
      this.context.forward({ key: record.key, value, timestamp: record.timestamp, headers: record.headers });
    }
  }
}
