/** The selectKey operator: sets a new key computed from key and value, keeps the value. */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Forwards the record with `selector(key, value)` as its key. */
export class SelectKeyProcessor<K, V, KR> implements Processor<K, V, KR, V> {
  private context!: InternalProcessorContext<KR, V>;

  constructor(private readonly selector: (key: K, value: V) => KR) {}

  init(context: InternalProcessorContext<KR, V>): void {
    this.context = context;
  }

  process(record: Record<K, V>): void {
    this.context.forward({ key: this.selector(record.key as K, record.value as V), value: record.value, timestamp: record.timestamp, headers: record.headers });
  }
}
