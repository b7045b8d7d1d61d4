/** A processor that forwards every record unchanged: merge points and `KTable#toStream`. */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Forwards each record as is. */
export class PassThroughProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: InternalProcessorContext<K, V>;

  init(context: InternalProcessorContext<K, V>): void {
    this.context = context;
  }

  process(record: Record<K, V>): void {
    this.context.forward(record);
  }
}
