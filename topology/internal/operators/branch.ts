/** The branch operator behind `split()`: each record goes to the first branch whose predicate holds, else to the default branch (or nowhere). */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** One branch: its predicate and the name of the child node it feeds. */
export interface BranchTarget<K, V> {
  readonly predicate: (key: K, value: V) => boolean;
  readonly child: string;
}

/** Routes each record to exactly one child: the first matching branch, else `defaultChild` when set. */
export class BranchProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: InternalProcessorContext<K, V>;

  /** The list is filled while the split is declared, before any task exists. */
  constructor(
    private readonly branches: readonly BranchTarget<K, V>[],
    private readonly defaultChild: () => string | undefined,
  ) {}

  init(context: InternalProcessorContext<K, V>): void {
    this.context = context;
  }

  process(record: Record<K, V>): void {
    for (const branch of this.branches) {
      if (branch.predicate(record.key as K, record.value as V)) {
        this.context.forward(record, branch.child);
        return;
      }
    }
    const fallback = this.defaultChild();
    if (fallback !== undefined) this.context.forward(record, fallback);
  }
}
