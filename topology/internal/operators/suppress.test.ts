import { expect } from 'chai';
import { Serdes, StreamsBuilder, TimeWindows, TopologyTestDriver } from '../../index.js';
import { longSerde } from '../codecs/long-serde.js';

const S = Serdes.String();

function suppressedCount(windows: TimeWindows) {
  const builder = new StreamsBuilder();
  builder
    .stream('logs', { keySerde: S, valueSerde: S })
    .groupByKey()
    .windowedBy(windows)
    .count({ name: 'counts' })
    .suppress('untilWindowCloses')
    .toStream()
    .map((w, n) => [`${w.key}@${w.startMs}`, n])
    .to('final', { keySerde: S, valueSerde: longSerde });
  const driver = new TopologyTestDriver(builder.build());
  return { driver, input: driver.createInputTopic('logs', S, S), output: driver.createOutputTopic('final', S, longSerde) };
}

describe('suppress(untilWindowCloses)', () => {
  it('emits nothing while the window is open, then exactly one final result', () => {
    const { input, output } = suppressedCount(TimeWindows.ofSizeWithGrace(10, 5));
    input.pipeInput('a', 'x', 1);
    input.pipeInput('a', 'x', 2);
    input.pipeInput('b', 'x', 3);
    input.pipeInput('a', 'x', 14); // stream time 14 < 10 + 5: still open
    expect(output.isEmpty()).to.equal(true);
    input.pipeInput('a', 'x', 8); // within grace: updates the buffered result
    expect(output.isEmpty()).to.equal(true);
    input.pipeInput('c', 'x', 15); // stream time reaches 15: window [0,10) closes
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['a@0', 3],
      ['b@0', 1],
    ]);
    input.pipeInput('c', 'x', 16);
    expect(output.isEmpty()).to.equal(true);
  });

  it('closes a window on stream-time advance from another key, and each window only once', () => {
    const { input, output } = suppressedCount(TimeWindows.ofSizeWithGrace(10, 0));
    input.pipeInput('a', 'x', 5);
    input.pipeInput('z', 'x', 25); // closes [0,10) and leaves [20,30) open
    expect(output.readKeyValuesToList()).to.deep.equal([['a@0', 1]]);
    input.pipeInput('z', 'x', 40);
    expect(output.readKeyValuesToList()).to.deep.equal([['z@20', 1]]);
    input.pipeInput('a', 'x', 6); // late: dropped by the aggregation, nothing re-emitted
    expect(output.isEmpty()).to.equal(true);
  });

  it('emits the final results of hopping windows in window-end order', () => {
    const { input, output } = suppressedCount(TimeWindows.ofSizeWithGrace(10, 0).advanceBy(5));
    input.pipeInput('a', 'x', 7); // windows [0,10) and [5,15)
    input.pipeInput('a', 'x', 12); // windows [5,15) and [10,20); stream time 12 closes [0,10)
    expect(output.readKeyValuesToList()).to.deep.equal([['a@0', 1]]);
    input.pipeInput('b', 'x', 30);
    expect(output.readKeyValuesToList()).to.deep.equal([
      ['a@5', 2],
      ['a@10', 1],
    ]);
  });
});
