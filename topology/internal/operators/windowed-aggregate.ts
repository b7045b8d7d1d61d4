/**
 * The windowed aggregation behind `windowedBy(...).count/aggregate/reduce`: for each window containing
 * the record's event time, folds the value into that window's aggregate in a window store and forwards
 * the update. A window is closed once stream time reaches window end + grace; a record whose every
 * window is closed is late: reported to the task (counted, then dropped or dead-lettered).
 * Stream time here is the largest timestamp this processor has seen (as in Kafka Streams), not the
 * task's: another source of the same task (a table topic) must not close this processor's windows.
 */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { WindowStore } from '../api/state-store.js';
import type { TimeWindows, Windowed } from '../api/windowed.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';

/** Folds `value` into `aggregate` (the initializer's result for a new window). */
export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;

/** Aggregates per key and window into the window store `storeName`. */
export class WindowedAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, VA> {
  private context!: InternalProcessorContext<Windowed<K>, VA>;
  private store!: WindowStore<K, VA>;
  private observedStreamTime = -1;

  constructor(
    private readonly storeName: string,
    private readonly windows: TimeWindows,
    private readonly initializer: () => VA,
    private readonly aggregator: Aggregator<K, V, VA>,
  ) {}

  init(context: InternalProcessorContext<Windowed<K>, VA>): void {
    this.context = context;
    this.store = context.getStateStore<WindowStore<K, VA>>(this.storeName);
  }

  process(record: Record<K, V>): void {
    if (record.key === null || record.value === null) {
      this.context.reportSkippedRecord(record.key === null ? 'null-key' : 'null-value');
      return;
    }
    const key = record.key;
    if (record.timestamp > this.observedStreamTime) this.observedStreamTime = record.timestamp;
    const closeTime = this.observedStreamTime - this.windows.graceMs;
    let accepted = 0;
    let lastClosedEnd = -1;
    for (const startMs of this.windows.windowStartsFor(record.timestamp)) {
      const endMs = startMs + this.windows.sizeMs;
      if (endMs <= closeTime) {
        lastClosedEnd = endMs;
        continue;
      }
      const previous = this.store.fetch(key, startMs);
      const aggregate = this.aggregator(key, record.value, previous === undefined ? this.initializer() : previous);
      this.store.put(key, aggregate, startMs);
      this.context.forward({ key: { key, startMs, endMs }, value: aggregate, timestamp: record.timestamp, headers: record.headers });
      accepted += 1;
    }
    if (accepted === 0 && lastClosedEnd >= 0) {
      this.context.reportLateRecord(
        `event time ${record.timestamp}: window ending ${lastClosedEnd} closed at stream time ${this.observedStreamTime} (grace ${this.windows.graceMs} ms)`,
      );
    }
  }
}
