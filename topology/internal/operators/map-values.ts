/** The mapValues operator: replaces the value, keeps the key (no repartition needed downstream). */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Forwards `mapper(value, key)` as the new value. */
export class MapValuesProcessor<K, V, VR> implements Processor<K, V, K, VR> {
  private context!: InternalProcessorContext<K, VR>;

  constructor(private readonly mapper: (value: V, key: K) => VR) {}

  init(context: InternalProcessorContext<K, VR>): void {
    this.context = context;
  }

  process(record: Record<K, V>): void {
    this.context.forward({ key: record.key, value: this.mapper(record.value as V, record.key as K), timestamp: record.timestamp, headers: record.headers });
  }
}
