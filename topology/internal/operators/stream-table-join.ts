/**
 * The stream-table join: each stream record looks up its key in the table's store (the table as of
 * now, in this task) and forwards the joiner's result. Inner join drops records without a match;
 * left join calls the joiner with null. Stream records with a null key or value are skipped.
 */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { KeyValueStore } from '../api/state-store.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Joins stream records with the key-value store `storeName`. */
export class StreamTableJoinProcessor<K, V, VT, VR> implements Processor<K, V, K, VR> {
  private context!: InternalProcessorContext<K, VR>;
  private store!: KeyValueStore<K, VT>;

  constructor(
    private readonly storeName: string,
    private readonly joiner: (value: V, tableValue: VT | null, key: K) => VR,
    private readonly left: boolean,
  ) {}

  init(context: InternalProcessorContext<K, VR>): void {
    this.context = context;
    this.store = context.getStateStore<KeyValueStore<K, VT>>(this.storeName);
  }

  process(record: Record<K, V>): void {
    if (record.key === null || record.value === null) {
      this.context.reportSkippedRecord(record.key === null ? 'null-key' : 'null-value');
      return;
    }
    const tableValue = this.store.get(record.key);
    if (tableValue === undefined && !this.left) return;
    const value = this.joiner(record.value, tableValue ?? null, record.key);
    this.context.forward({ key: record.key, value, timestamp: record.timestamp, headers: record.headers });
  }
}
