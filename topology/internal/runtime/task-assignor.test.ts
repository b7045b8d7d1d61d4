import { expect } from 'chai';
import type { TopologyPlan } from '../stream-task.js';
import { assignTasks, tasksToAssignment } from './task-assignor.js';

describe('task assignor', () => {
  const tasks = [0, 1].flatMap((subtopology) => [0, 1, 2].map((partition) => ({ subtopology, partition })));

  it('spreads tasks evenly and deterministically over the sorted members', () => {
    const byMember = assignTasks(['m-b', 'm-a'], tasks);
    expect([...byMember.keys()]).to.deep.equal(['m-a', 'm-b']);
    expect(byMember.get('m-a')).to.have.length(3);
    expect(byMember.get('m-b')).to.have.length(3);
    const all = [...byMember.values()].flat().map((t) => `${t.subtopology}_${t.partition}`).sort();
    expect(all).to.deep.equal(['0_0', '0_1', '0_2', '1_0', '1_1', '1_2']);
    expect(assignTasks(['m-a', 'm-b'], [...tasks].reverse())).to.deep.equal(byMember);
  });

  it('gives a lone member every task', () => {
    expect(assignTasks(['only'], tasks).get('only')).to.have.length(6);
  });

  it('assigns the same partition of every source topic of a sub-topology together', () => {
    const plan = {
      subtopologies: [
        { id: 0, sourceTopics: ['clicks', 'users'] },
        { id: 1, sourceTopics: ['app-counts-repartition'] },
      ],
    } as unknown as TopologyPlan;
    expect(tasksToAssignment(plan, [{ subtopology: 0, partition: 2 }, { subtopology: 0, partition: 0 }, { subtopology: 1, partition: 2 }])).to.deep.equal({
      clicks: [0, 2],
      users: [0, 2],
      'app-counts-repartition': [2],
    });
  });
});
