/** The flatMap operator: zero or more output records per input record, each with its own key and value. */
import type { Processor } from '../api/processor.js';
import type { KeyValue, Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Forwards every pair of `mapper(key, value)`, in order, with the input's timestamp and headers. */
export class FlatMapProcessor<K, V, KR, VR> implements Processor<K, V, KR, VR> {
  private context!: InternalProcessorContext<KR, VR>;

  constructor(private readonly mapper: (key: K, value: V) => Iterable<KeyValue<KR, VR>>) {}

  init(context: InternalProcessorContext<KR, VR>): void {
    this.context = context;
  }

  process(record: Record<K, V>): void {
    for (const [key, value] of this.mapper(record.key as K, record.value as V)) {
      this.context.forward({ key, value, timestamp: record.timestamp, headers: record.headers });
    }
  }
}
