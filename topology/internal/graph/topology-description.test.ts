import { expect } from 'chai';
import { Serdes, StreamsBuilder, TimeWindows } from '../../index.js';
import { longSerde } from '../codecs/long-serde.js';

const S = Serdes.String();

function pipeline() {
  const builder = new StreamsBuilder();
  builder
    .stream('logs', { keySerde: S, valueSerde: S })
    .filter((_k, v) => v.length > 0)
    .groupBy((_k, v) => v, { keySerde: S })
    .windowedBy(TimeWindows.ofSizeWithGrace(60_000, 0))
    .count({ name: 'counts' })
    .toStream()
    .map((w, n) => [w.key, n])
    .to('stats', { keySerde: S, valueSerde: longSerde });
  return builder.build();
}

describe('Topology#describe', () => {
  it('lists sub-topologies, sources with topics, processors with stores and sinks with topics', () => {
    expect(pipeline().describe().toString()).to.equal(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [logs])',
        '      --> KSTREAM-FILTER-0000000001',
        '    Processor: KSTREAM-FILTER-0000000001 (stores: [])',
        '      --> KSTREAM-KEY-SELECT-0000000002',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])',
        '      --> counts-repartition-sink',
        '      <-- KSTREAM-FILTER-0000000001',
        '    Sink: counts-repartition-sink (topic: counts-repartition)',
        '      <-- KSTREAM-KEY-SELECT-0000000002',
        '   Sub-topology: 1',
        '    Source: counts-repartition-source (topics: [counts-repartition])',
        '      --> KSTREAM-AGGREGATE-0000000003',
        '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts])',
        '      --> KTABLE-TOSTREAM-0000000004',
        '      <-- counts-repartition-source',
        '    Processor: KTABLE-TOSTREAM-0000000004 (stores: [])',
        '      --> KSTREAM-MAP-0000000005',
        '      <-- KSTREAM-AGGREGATE-0000000003',
        '    Processor: KSTREAM-MAP-0000000005 (stores: [])',
        '      --> KSTREAM-SINK-0000000006',
        '      <-- KTABLE-TOSTREAM-0000000004',
        '    Sink: KSTREAM-SINK-0000000006 (topic: stats)',
        '      <-- KSTREAM-MAP-0000000005',
        '',
      ].join('\n'),
    );
  });

  it('exposes the structure and renders Mermaid with topics and stores', () => {
    const description = pipeline().describe();
    expect(description.subtopologies.map((s) => s.stores)).to.deep.equal([[], ['counts']]);
    const mermaid = description.toMermaid();
    expect(mermaid.startsWith('flowchart TD\n')).to.equal(true);
    expect(mermaid).to.contain('subgraph sub0 ["Sub-topology 0"]');
    expect(mermaid).to.contain('subgraph sub1 ["Sub-topology 1"]');
    expect(mermaid).to.match(/t\d+\[\/"logs"\/\]/);
    expect(mermaid).to.match(/s\d+\[\("counts"\)\]/);
    expect(mermaid.match(/-->/g)).to.have.length(11);
  });

  it('a processor with no children says so', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', { keySerde: S, valueSerde: S }).peek(() => undefined, 'log-it');
    expect(builder.build().describe().toString()).to.contain('    Processor: log-it (stores: [])\n      --> none\n      <-- KSTREAM-SOURCE-0000000000\n');
  });
});
