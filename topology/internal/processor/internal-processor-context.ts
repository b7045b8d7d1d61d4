/**
 * The processor context the library's own operators receive: the public ProcessorContext plus the
 * hooks a task offers its built-in operators (late-record and skipped-record reporting).
 */
import type { ProcessorContext } from '../api/processor.js';

/** ProcessorContext plus the task hooks used by built-in operators. */
export interface InternalProcessorContext<KOut, VOut> extends ProcessorContext<KOut, VOut> {
  /** Name of the node this context belongs to. */
  readonly nodeName: string;
  /** Reports the record being processed as later than its window's grace: counted, then dropped or dead-lettered. */
  reportLateRecord(detail: string): void;
  /** Reports a record the operator cannot use (e.g. a null key into an aggregation): counted and dropped. */
  reportSkippedRecord(reason: string): void;
}
