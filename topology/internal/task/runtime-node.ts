/**
 * One node of a sub-topology instantiated for one task: the processor instance, its children and
 * its record counts. Counts are kept as plain numbers and pushed to the pre-bound Prometheus
 * children in batches (`flushMetrics`): a prom-client increment per record per node would cost more
 * than most operators.
 */
import type { Counter } from 'prom-client';
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { NodeContext, TaskServices } from './node-context.js';

type BoundCounter = ReturnType<Counter<'processor'>['labels']>;

/** A processor instance wired to its children inside one task. */
export class RuntimeNode {
  readonly children: RuntimeNode[] = [];
  /** Set once by the task factory, before `init`. */
  context!: NodeContext;
  /** Records received / forwarded since the last `flushMetrics`. */
  pendingIn = 0;
  pendingOut = 0;

  constructor(
    readonly name: string,
    readonly processor: Processor<unknown, unknown, unknown, unknown>,
    private readonly task: TaskServices,
    readonly recordsIn: BoundCounter | undefined,
    readonly recordsOut: BoundCounter | undefined,
  ) {}

  /** Runs one record through this node (and, through forward, its descendants). */
  process(record: Record<unknown, unknown>): void {
    this.task.enter(this.name, record.timestamp);
    this.pendingIn += 1;
    this.processor.process(record);
  }

  /** Adds the pending counts to the Prometheus counters. */
  flushMetrics(): void {
    if (this.pendingIn > 0) this.recordsIn?.inc(this.pendingIn);
    if (this.pendingOut > 0) this.recordsOut?.inc(this.pendingOut);
    this.pendingIn = 0;
    this.pendingOut = 0;
  }
}
