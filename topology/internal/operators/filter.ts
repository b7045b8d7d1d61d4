/** The filter operator: forwards the records for which the predicate holds (or fails, for filterNot). */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Keeps records matching `predicate` (`negate`: the others). */
export class FilterProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: InternalProcessorContext<K, V>;

  constructor(
    private readonly predicate: (key: K, value: V) => boolean,
    private readonly negate: boolean,
  ) {}

  init(context: InternalProcessorContext<K, V>): void {
    this.context = context;
  }

  process(record: Record<K, V>): void {
    if (this.predicate(record.key as K, record.value as V) !== this.negate) this.context.forward(record);
  }
}
