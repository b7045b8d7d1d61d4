/**
 * `suppress(untilWindowCloses)`: holds back every update of a windowed table and emits only the
 * final result of each window, once stream time reaches window end + grace. Stream time is the
 * largest timestamp of the updates this processor has seen (as in Kafka Streams): every record the
 * windowed aggregation accepts, whatever its key, arrives here and can close older windows.
 */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { Windowed } from '../api/windowed.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';
import type { InMemorySuppressionBuffer } from '../stores/in-memory-suppression-buffer.js';

/** Buffers windowed results in the store `bufferName` and emits each window's last result when it closes. */
export class SuppressProcessor<K, V> implements Processor<Windowed<K>, V, Windowed<K>, V> {
  private context!: InternalProcessorContext<Windowed<K>, V>;
  private buffer!: InMemorySuppressionBuffer<K, V>;
  private observedStreamTime = -1;

  constructor(
    private readonly bufferName: string,
    private readonly graceMs: number,
  ) {}

  init(context: InternalProcessorContext<Windowed<K>, V>): void {
    this.context = context;
    this.buffer = context.getStateStore<InMemorySuppressionBuffer<K, V>>(this.bufferName);
  }

  process(record: Record<Windowed<K>, V>): void {
    if (record.key === null) {
      this.context.reportSkippedRecord('null-key');
      return;
    }
    if (record.timestamp > this.observedStreamTime) this.observedStreamTime = record.timestamp;
    this.buffer.put(record.key, record.value, record.timestamp);
    this.buffer.evictUntil(this.observedStreamTime - this.graceMs, (result) => {
      this.context.forward({ key: result.key, value: result.value, timestamp: result.timestamp, headers: {} });
    });
  }
}
