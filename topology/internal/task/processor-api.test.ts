import { expect } from 'chai';
import {
  PunctuationType,
  Serdes,
  StoreNotFoundError,
  StreamsBuilder,
  TopologyTestDriver,
  type Cancellable,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type Record,
} from '../../index.js';

const S = Serdes.String();
const N = Serdes.Json<number>();

/** Counts per key in a store; routes each record to child `even` or `odd`; punctuates totals. */
class CountingRouter implements Processor<string, string, string, number> {
  private context!: ProcessorContext<string, number>;
  private store!: KeyValueStore<string, number>;
  wallClock: Cancellable | undefined;
  readonly metadata: string[] = [];

  init(context: ProcessorContext<string, number>): void {
    this.context = context;
    this.store = context.getStateStore<KeyValueStore<string, number>>('counts');
    context.schedule(10, PunctuationType.STREAM_TIME, (time) => {
      const total = [...this.store.all()].reduce((sum, [, n]) => sum + n, 0);
      context.forward({ key: `stream-time@${time}`, value: total, timestamp: time, headers: {} }, 'even');
    });
    this.wallClock = context.schedule(1000, PunctuationType.WALL_CLOCK_TIME, (time) => {
      context.forward({ key: `wall-clock@${time}`, value: this.store.approximateNumEntries(), timestamp: time, headers: {} }, 'odd');
    });
  }

  process(record: Record<string, string>): void {
    const meta = this.context.recordMetadata();
    this.metadata.push(`${meta?.topic}/${meta?.partition}/${meta?.offset}@${this.context.currentStreamTimeMs()}`);
    const key = record.key ?? '';
    const count = (this.store.get(key) ?? 0) + 1;
    this.store.put(key, count);
    this.context.forward({ ...record, value: count }, count % 2 === 0 ? 'even' : 'odd');
  }
}

function build() {
  const processors: CountingRouter[] = [];
  const builder = new StreamsBuilder();
  builder.addStateStore({ type: 'key-value', name: 'counts', keySerde: S, valueSerde: N });
  const routed = builder.stream('in', { keySerde: S, valueSerde: S }).process(
    () => {
      const p = new CountingRouter();
      processors.push(p);
      return p;
    },
    { name: 'router', stores: ['counts'] },
  );
  routed.to('even-out', { keySerde: S, valueSerde: N, name: 'even' });
  routed.to('odd-out', { keySerde: S, valueSerde: N, name: 'odd' });
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 5000 });
  return {
    driver,
    processors,
    input: driver.createInputTopic('in', S, S),
    even: driver.createOutputTopic('even-out', S, N),
    odd: driver.createOutputTopic('odd-out', S, N),
  };
}

describe('Processor API', () => {
  it('forwards to named children and keeps state in its store', () => {
    const { input, even, odd, driver } = build();
    input.pipeInput('a', 'x', 1); // first record: stream-time punctuation fires at 1
    input.pipeInput('a', 'x', 2);
    input.pipeInput('b', 'x', 3);
    expect(even.readKeyValuesToList()).to.deep.equal([
      ['stream-time@1', 1],
      ['a', 2],
    ]);
    expect(odd.readKeyValuesToList()).to.deep.equal([
      ['a', 1],
      ['b', 1],
    ]);
    expect(driver.getKeyValueStore<string, number>('counts').get('a')).to.equal(2);
  });

  it('fires stream-time punctuators as stream time advances, once per jump, aligned to the interval', () => {
    const { input, even } = build();
    input.pipeInput('a', 'x', 0); // due at 0
    input.pipeInput('a', 'x', 9); // next due at 10: nothing
    input.pipeInput('a', 'x', 35); // due: fires once, next due 40
    input.pipeInput('a', 'x', 5); // out of order: stream time stays 35
    input.pipeInput('a', 'x', 40);
    const punctuations = even.readKeyValuesToList().filter(([k]) => k!.startsWith('stream-time'));
    expect(punctuations).to.deep.equal([
      ['stream-time@0', 1],
      ['stream-time@35', 3],
      ['stream-time@40', 5],
    ]);
  });

  it('fires wall-clock punctuators only when the wall clock advances, and stops after cancel', () => {
    const { input, odd, driver, processors } = build();
    input.pipeInput('a', 'x', 1);
    odd.readKeyValuesToList();
    driver.advanceWallClockTime(999);
    expect(odd.isEmpty()).to.equal(true);
    driver.advanceWallClockTime(1);
    expect(odd.readKeyValuesToList()).to.deep.equal([['wall-clock@6000', 1]]);
    driver.advanceWallClockTime(2500);
    expect(odd.readKeyValuesToList()).to.deep.equal([['wall-clock@8500', 1]]);
    processors[0]!.wallClock!.cancel();
    driver.advanceWallClockTime(10_000);
    expect(odd.isEmpty()).to.equal(true);
  });

  it('exposes record metadata and the task stream time', () => {
    const { input, processors } = build();
    input.pipeInput('a', 'x', 7);
    input.pipeInput('a', 'x', 3);
    expect(processors[0]!.metadata).to.deep.equal(['in/0/0@7', 'in/0/1@7']);
  });

  it('refuses a store that is not connected to the processor', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore({ type: 'key-value', name: 'other', keySerde: S, valueSerde: S });
    builder.stream('in', { keySerde: S, valueSerde: S }).process(() => ({
      init(context: ProcessorContext<never, never>) {
        context.getStateStore('other');
      },
      process() {},
    }));
    expect(() => new TopologyTestDriver(builder.build())).to.throw(StoreNotFoundError, /other/);
  });

  it('closes processors when the driver closes', () => {
    let closed = 0;
    const builder = new StreamsBuilder();
    builder.stream('in', { keySerde: S, valueSerde: S }).process(() => ({ process() {}, close: () => void (closed += 1) }));
    const driver = new TopologyTestDriver(builder.build());
    driver.close();
    expect(closed).to.equal(1);
  });
});
