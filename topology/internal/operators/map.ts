/** The map operator: replaces key and value with the mapper's pair (a key change: downstream grouping repartitions). */
import type { Processor } from '../api/processor.js';
import type { KeyValue, Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Forwards `mapper(key, value)` as the new key and value. */
export class MapProcessor<K, V, KR, VR> implements Processor<K, V, KR, VR> {
  private context!: InternalProcessorContext<KR, VR>;

  constructor(private readonly mapper: (key: K, value: V) => KeyValue<KR, VR>) {}

  init(context: InternalProcessorContext<KR, VR>): void {
    this.context = context;
  }

  process(record: Record<K, V>): void {
    const [key, value] = this.mapper(record.key as K, record.value as V);
    this.context.forward({ key, value, timestamp: record.timestamp, headers: record.headers });
  }
}
