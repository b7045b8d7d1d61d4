import { expect } from 'chai';
import { Serdes, StreamsBuilder, TopologyTestDriver } from '../../index.js';

const S = Serdes.String();
const Rule = Serdes.Json<{ threshold: number }>();

function joinTopology(left: boolean) {
  const builder = new StreamsBuilder();
  const rules = builder.table('rules', { keySerde: S, valueSerde: Rule, storeName: 'rules-store' });
  const events = builder.stream('events', { keySerde: S, valueSerde: Serdes.Json<number>() });
  const joined = left
    ? events.leftJoin(rules, (n, rule): string => (rule === null ? 'no-rule' : n > rule.threshold ? 'fire' : 'ok'))
    : events.join(rules, (n, rule, key) => `${key}:${n > rule.threshold ? 'fire' : 'ok'}`);
  joined.to('out', { valueSerde: S });
  const driver = new TopologyTestDriver(builder.build());
  return {
    driver,
    rules: driver.createInputTopic('rules', S, Rule),
    events: driver.createInputTopic('events', S, Serdes.Json<number>()),
    out: driver.createOutputTopic('out', S, S),
  };
}

describe('table and stream-table join', () => {
  it('builder.table keeps the latest value per key and deletes on a tombstone', () => {
    const { driver, rules } = joinTopology(false);
    rules.pipeInput('cpu', { threshold: 80 }, 1);
    rules.pipeInput('mem', { threshold: 50 }, 2);
    rules.pipeInput('cpu', { threshold: 90 }, 3);
    const store = driver.getKeyValueStore<string, { threshold: number }>('rules-store');
    expect([...store.all()]).to.deep.equal([
      ['cpu', { threshold: 90 }],
      ['mem', { threshold: 50 }],
    ]);
    rules.pipeInput('cpu', null, 4);
    expect(store.get('cpu')).to.equal(undefined);
    expect(store.approximateNumEntries()).to.equal(1);
  });

  it('inner join emits only for stream records with a table row, using the current row', () => {
    const { rules, events, out } = joinTopology(false);
    events.pipeInput('cpu', 99, 1); // no rule yet: dropped
    rules.pipeInput('cpu', { threshold: 80 }, 2);
    events.pipeInput('cpu', 85, 3);
    rules.pipeInput('cpu', { threshold: 90 }, 4);
    events.pipeInput('cpu', 85, 5);
    expect(out.readKeyValuesToList()).to.deep.equal([
      ['cpu', 'cpu:fire'],
      ['cpu', 'cpu:ok'],
    ]);
  });

  it('a tombstone removes the row: the inner join stops matching, the left join gets null', () => {
    const inner = joinTopology(false);
    inner.rules.pipeInput('cpu', { threshold: 1 }, 1);
    inner.rules.pipeInput('cpu', null, 2);
    inner.events.pipeInput('cpu', 5, 3);
    expect(inner.out.isEmpty()).to.equal(true);

    const left = joinTopology(true);
    left.rules.pipeInput('cpu', { threshold: 1 }, 1);
    left.events.pipeInput('cpu', 5, 2);
    left.rules.pipeInput('cpu', null, 3);
    left.events.pipeInput('cpu', 5, 4);
    expect(left.out.readKeyValuesToList()).to.deep.equal([
      ['cpu', 'fire'],
      ['cpu', 'no-rule'],
    ]);
  });

  it('stream and table sources share one sub-topology and form a co-partition group', () => {
    const { driver } = joinTopology(false);
    expect(driver.plan.subtopologies).to.have.length(1);
    expect(driver.plan.copartitionGroups.some((g) => g.includes('events') && g.includes('rules'))).to.equal(true);
  });

  it('a key change before the join repartitions the stream first', () => {
    const builder = new StreamsBuilder();
    const rules = builder.table('rules', { keySerde: S, valueSerde: Rule });
    builder
      .stream('events', { keySerde: S, valueSerde: Serdes.Json<{ metric: string; n: number }>() })
      .selectKey((_k, v) => v.metric)
      .join(rules, (v, rule) => v.n > rule.threshold)
      .to('out', { valueSerde: Serdes.Json<boolean>() });
    const driver = new TopologyTestDriver(builder.build(), { applicationId: 'app' });
    expect(driver.plan.subtopologies).to.have.length(2);
    expect(driver.plan.internalTopics.filter((t) => t.kind === 'repartition').map((t) => t.name)).to.deep.equal(['app-KSTREAM-JOIN-0000000005-left-repartition']);
    driver.createInputTopic('rules', S, Rule).pipeInput('cpu', { threshold: 10 }, 1);
    driver.createInputTopic('events', S, Serdes.Json<{ metric: string; n: number }>()).pipeInput('host-1', { metric: 'cpu', n: 11 }, 2);
    expect(driver.createOutputTopic('out', S, Serdes.Json<boolean>()).readKeyValuesToList()).to.deep.equal([['cpu', true]]);
  });
});
