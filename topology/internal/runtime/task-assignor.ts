import kafkajs from 'kafkajs';
import type { Assignment, PartitionAssigner } from 'kafkajs';
import type { TopologyPlan } from '../stream-task.js';

const { AssignerProtocol } = kafkajs;

/** Protocol name every member of a topology's consumer group announces; members of other versions cannot join. */
export const TASK_ASSIGNOR_NAME = 'SawmillTaskAssignor';

/**
 * Splits `tasks` (sub-topology x partition) over `members` as evenly as possible, deterministic for
 * a given input: tasks are dealt round-robin over the sorted member ids, in task order
 * (partition first, so the partitions of one sub-topology spread over all members).
 */
export function assignTasks<T extends { subtopology: number; partition: number }>(members: readonly string[], tasks: readonly T[]): Map<string, T[]> {
  const sortedMembers = [...members].sort();
  const sortedTasks = [...tasks].sort((a, b) => a.partition - b.partition || a.subtopology - b.subtopology);
  const result = new Map<string, T[]>(sortedMembers.map((member) => [member, []]));
  sortedTasks.forEach((task, index) => result.get(sortedMembers[index % sortedMembers.length]!)!.push(task));
  return result;
}

/** Turns a member's tasks into the topic partitions it consumes: every source topic of the task's sub-topology, at the task's partition. */
export function tasksToAssignment(plan: TopologyPlan, tasks: readonly { subtopology: number; partition: number }[]): Assignment {
  const assignment: Assignment = {};
  for (const task of tasks) {
    const subtopology = plan.subtopologies.find((s) => s.id === task.subtopology);
    for (const topic of subtopology?.sourceTopics ?? []) (assignment[topic] ??= []).push(task.partition);
  }
  for (const partitions of Object.values(assignment)) partitions.sort((a, b) => a - b);
  return assignment;
}

/**
 * A kafkajs partition assigner that assigns whole tasks, as Kafka Streams' assignor does: the same
 * partition of every topic a sub-topology reads (both sides of a join, a stream and its table) goes
 * to the same member, which kafkajs' round-robin assigner does not guarantee.
 */
export function createTaskAssignor(plan: TopologyPlan): PartitionAssigner {
  return () => ({
    name: TASK_ASSIGNOR_NAME,
    version: 0,
    async assign({ members }) {
      const byMember = assignTasks(members.map((m) => m.memberId), plan.taskIds());
      return [...byMember].map(([memberId, tasks]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: tasksToAssignment(plan, tasks),
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return { name: TASK_ASSIGNOR_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
    },
  });
}
