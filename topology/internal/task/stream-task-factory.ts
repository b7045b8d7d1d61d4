/**
 * Builds the tasks of a topology: plans it for the application (names, partition counts,
 * co-partitioning), then instantiates one sub-topology per task with fresh processors, logged
 * stores, source readers and sinks wired to the task's collector.
 */
import type { Processor } from '../api/processor.js';
import type { Record } from '../api/record.js';
import { TopologyError } from '../errors.js';
import { resolveTopic, planTopology } from '../graph/topology-planner.js';
import { topologyInternals, type Topology } from '../graph/topology.js';
import type { RestorableStore } from '../graph/store-definition.js';
import type { InternalProcessorContext } from '../processor/internal-processor-context.js';
import { SinkProcessor } from '../operators/sink.js';
import type { Serde } from '../serdes/serde.js';
import { ChangeLogger } from '../stores/changelogging-store.js';
import type { RecordCollector, StreamTask, StreamTaskFactory, StreamTaskOptions, TaskId } from '../stream-task.js';
import { NodeContext } from './node-context.js';
import { RuntimeNode } from './runtime-node.js';
import { SourceReader } from './source-reader.js';
import { StreamTaskImpl } from './stream-task-impl.js';

/** Forwards every record unchanged: the processor of a source node. */
class SourceProcessor implements Processor<unknown, unknown, unknown, unknown> {
  private context!: InternalProcessorContext<unknown, unknown>;

  init(context: InternalProcessorContext<unknown, unknown>): void {
    this.context = context;
  }

  process(record: Record<unknown, unknown>): void {
    this.context.forward(record);
  }
}

/** Implements `createStreamTasks` (see stream-task.ts). */
export function createStreamTaskFactory(topology: Topology, options: StreamTaskOptions): StreamTaskFactory {
  const internals = topologyInternals(topology);
  const { applicationId } = options;
  const plan = planTopology(internals, applicationId, options.partitions);
  const repartitionCounts = new Map(plan.internalTopics.filter((t) => t.kind === 'repartition').map((t) => [t.name, t.partitions]));
  const badRecordHandling = options.badRecordHandling ?? 'log-and-fail';
  const wallClock = options.wallClock ?? Date.now;

  return {
    plan,

    async initSerdes(): Promise<void> {
      const serdes = new Set<Serde<unknown>>();
      for (const node of internals.nodes) if (node.kind !== 'processor') serdes.add(node.keySerde).add(node.valueSerde);
      for (const store of internals.stores.values()) for (const serde of store.serdes) serdes.add(serde);
      for (const serde of serdes) if (serde.init) await serde.init();
    },

    createTask(id: TaskId): StreamTask {
      const sub = internals.subtopologies[id.subtopology];
      const subPlan = plan.subtopologies[id.subtopology];
      if (!sub || !subPlan) throw new TopologyError(`no sub-topology ${id.subtopology}`);
      if (!Number.isSafeInteger(id.partition) || id.partition < 0 || id.partition >= subPlan.partitions) {
        throw new TopologyError(`sub-topology ${id.subtopology} has ${subPlan.partitions} partitions, no task for partition ${id.partition}`);
      }
      const collector = options.collector(id);
      const nodes: RuntimeNode[] = [];
      const sources = new Map<string, SourceReader>();
      const stores = new Map<string, RestorableStore>();
      const task = new StreamTaskImpl({
        id,
        applicationId,
        sources,
        nodes,
        stores,
        changelogTopics: subPlan.changelogTopics,
        collector,
        badRecordHandling,
        metrics: options.metrics,
        logger: options.logger,
        wallClock,
      });
      for (const [storeName, changelog] of subPlan.changelogTopics) {
        const definition = internals.stores.get(storeName)!;
        const changeLogger = new ChangeLogger(storeName, changelog, id.partition, collector, () => task.currentEventTime());
        stores.set(storeName, definition.create(changelog, changeLogger));
      }
      const byName = new Map<string, RuntimeNode>();
      for (const definition of sub.nodes) {
        const recordsIn = options.metrics?.recordsIn.labels(definition.name);
        const recordsOut = options.metrics?.recordsOut.labels(definition.name);
        let processor: Processor<unknown, unknown, unknown, unknown>;
        if (definition.kind === 'source') processor = new SourceProcessor();
        else if (definition.kind === 'processor') processor = definition.supplier();
        else {
          const topic = resolveTopic(applicationId, definition);
          const counting: RecordCollector = { send: (record) => ((node.pendingOut += 1), collector.send(record)) };
          processor = new SinkProcessor(topic, definition.keySerde, definition.valueSerde, counting, definition.internal ? repartitionCounts.get(topic) : undefined);
        }
        const node: RuntimeNode = new RuntimeNode(definition.name, processor, task, recordsIn, recordsOut);
        node.context = new NodeContext(node, task, definition.kind === 'processor' ? definition.stores : []);
        nodes.push(node);
        byName.set(definition.name, node);
        if (definition.kind === 'source') sources.set(resolveTopic(applicationId, definition), new SourceReader(definition, node));
      }
      for (const node of nodes) for (const child of internals.children.get(node.name) ?? []) node.children.push(byName.get(child)!);
      task.init();
      return task;
    },
  };
}
