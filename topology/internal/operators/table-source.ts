/**
 * The source side of `builder.table(topic)`: materializes the latest value per key of a compacted
 * topic in a key-value store (a null value is a tombstone: the key is deleted) and forwards each change.
 */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { KeyValueStore } from '../api/state-store.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Upserts (or deletes, on a tombstone) each record into the store `storeName`, then forwards it. */
export class TableSourceProcessor<K, V> implements Processor<K, V, K, V> {
  private context!: InternalProcessorContext<K, V>;
  private store!: KeyValueStore<K, V>;

  constructor(private readonly storeName: string) {}

  init(context: InternalProcessorContext<K, V>): void {
    this.context = context;
    this.store = context.getStateStore<KeyValueStore<K, V>>(this.storeName);
  }

  process(record: Record<K, V>): void {
    if (record.key === null) {
      this.context.reportSkippedRecord('null-key');
      return;
    }
    this.store.put(record.key, record.value);
    this.context.forward(record);
  }
}
