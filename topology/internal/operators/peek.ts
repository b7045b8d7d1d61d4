/** The peek operator: calls an action for its side effect and forwards the record unchanged. */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Runs `action(key, value)` then forwards the record. */
export class PeekProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: InternalProcessorContext<K, V>;

  constructor(private readonly action: (key: K, value: V) => void) {}

  init(context: InternalProcessorContext<K, V>): void {
    this.context = context;
  }

  process(record: Record<K, V>): void {
    this.action(record.key as K, record.value as V);
    this.context.forward(record);
  }
}
