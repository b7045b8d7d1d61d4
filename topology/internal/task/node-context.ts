/**
 * The context of one processor node inside one task: forwarding to children, punctuator
 * scheduling, store access and clocks, all delegated to the owning task.
 */
import { PunctuationType, type Cancellable, type Punctuator, type RecordMetadata } from '../api/processor.js';
import type { Record } from '../api/record.js';
import type { StateStore } from '../api/state-store.js';
import { InvalidTopologyError, StoreNotFoundError, TopologyError } from '../errors.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';
import type { RuntimeNode } from './runtime-node.js';

/** What a node context needs from its task. */
export interface TaskServices {
  readonly applicationId: string;
  readonly taskIdText: string;
  streamTime(): number;
  wallClock(): number;
  recordMetadata(): RecordMetadata | null;
  store(name: string): StateStore | undefined;
  schedule(nodeName: string, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  reportLateRecord(nodeName: string, detail: string): void;
  reportSkippedRecord(nodeName: string, reason: string): void;
  /** Called by a node before it runs, so errors and changelog timestamps are attributed correctly. */
  enter(nodeName: string, timestamp: number): void;
}

/** InternalProcessorContext of one node in one task. */
export class NodeContext implements InternalProcessorContext<unknown, unknown> {
  readonly applicationId: string;
  readonly taskId: string;

  constructor(
    private readonly node: RuntimeNode,
    private readonly task: TaskServices,
    private readonly storeNames: readonly string[],
  ) {
    this.applicationId = task.applicationId;
    this.taskId = task.taskIdText;
  }

  get nodeName(): string {
    return this.node.name;
  }

  forward(record: Record<unknown, unknown>, childName?: string): void {
    this.node.pendingOut += 1;
    if (childName === undefined) {
      for (const child of this.node.children) {
        child.process(record);
        this.task.enter(this.node.name, record.timestamp);
      }
      return;
    }
    const child = this.node.children.find((c) => c.name === childName);
    if (!child) throw new TopologyError(`node ${this.node.name} has no child named ${JSON.stringify(childName)}`);
    child.process(record);
    this.task.enter(this.node.name, record.timestamp);
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) throw new InvalidTopologyError(`punctuation interval must be >= 1 ms, got ${intervalMs}`);
    return this.task.schedule(this.node.name, intervalMs, type, punctuator);
  }

  getStateStore<S extends StateStore>(name: string): S {
    if (!this.storeNames.includes(name)) throw new StoreNotFoundError(name, `not connected to processor ${this.node.name}`);
    const store = this.task.store(name);
    if (!store) throw new StoreNotFoundError(name);
    return store as S;
  }

  currentStreamTimeMs(): number {
    return this.task.streamTime();
  }

  currentSystemTimeMs(): number {
    return this.task.wallClock();
  }

  recordMetadata(): RecordMetadata | null {
    return this.task.recordMetadata();
  }

  reportLateRecord(detail: string): void {
    this.task.reportLateRecord(this.node.name, detail);
  }

  reportSkippedRecord(reason: string): void {
    this.task.reportSkippedRecord(this.node.name, reason);
  }
}
