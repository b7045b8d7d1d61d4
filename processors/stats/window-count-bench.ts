/**
 * Rough per-event cost of window-count on the TopologyTestDriver (one core, no Kafka):
 * `npx tsx processors/stats/window-count-bench.ts [events]`. Events are pre-built and handed over
 * through an index serde, so the figures are the topology's own work (task, processor, store,
 * changelog record), not JSON or Avro decoding; CPU time is reported because the machine is shared.
 * For comparison it runs an empty topology and the
 * library's `groupByKey().windowedBy().aggregate().suppress()` path with a JSON aggregate.
 */
import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';
import { Serdes, StreamsBuilder, TimeWindows, TopologyTestDriver, type Serde, type Topology } from '../../topology/index.js';
import { addWindowCount } from '../window-count.js';
import { latencyBin } from './latency-sketch.js';
import { enrichedEvent, seededRandom } from './test-fixtures.js';

const total = Number(process.argv[2] ?? 200_000);
const random = seededRandom(1);
const services = Array.from({ length: 20 }, (_, i) => `service-${i}`);
const events: EnrichedLogEvent[] = Array.from({ length: total }, (_, i) =>
  enrichedEvent({
    service: services[i % services.length]!,
    timestampMs: 1_700_000_000_000 + i * 2 + Math.floor(random() * 500), // ~500 events/s of event time, slightly out of order
    level: random() < 0.02 ? 'ERROR' : 'INFO',
    latencyMs: random() < 0.8 ? 50 * Math.exp(random() - 0.5) : null,
  }),
);

/** Hands pre-built objects through the driver: the bytes are an index into `events`. */
const indexSerde: Serde<EnrichedLogEvent> = {
  serialize: (_t, value) => (value === null ? null : Buffer.from(String((value as EnrichedLogEvent & { index: number }).index))),
  deserialize: (_t, data) => (data === null ? null : events[Number(data.toString())]!),
};
events.forEach((e, i) => Object.assign(e, { index: i }));
const S = Serdes.String();

function measure(name: string, topology: Topology): void {
  const driver = new TopologyTestDriver(topology);
  const input = driver.createInputTopic('logs.enriched', S, indexSerde);
  const keys = events.map((e) => e.service);
  const changelogs = driver.plan.internalTopics.filter((t) => t.kind === 'changelog').map((t) => t.name);
  let changelogRecords = 0;
  // The runtime hands produced records to Kafka at each commit; the driver keeps them all. Count and
  // drop them every 10 000 events so the figure is not the driver's memory growth.
  const drain = () => {
    for (const topic of changelogs) {
      const queue = driver.producedRecords(topic) as OutgoingRecordLike[];
      changelogRecords += queue.length;
      queue.length = 0;
    }
  };
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) {
    input.pipeInput(keys[i]!, events[i]!, events[i]!.timestampMs);
    if (i % 10_000 === 9_999) drain();
  }
  const wallNs = Number(process.hrtime.bigint() - started);
  const used = process.cpuUsage(cpu);
  drain();
  const cpuUs = (used.user + used.system) / events.length;
  console.log(
    `${name.padEnd(42)} cpu ${cpuUs.toFixed(2).padStart(6)} µs/event (${Math.round(1e6 / cpuUs).toLocaleString('en').padStart(9)} events/s per core)  wall ${(wallNs / events.length / 1000).toFixed(2).padStart(6)} µs/event  changelog records/event ${(changelogRecords / events.length).toFixed(2)}`,
  );
  driver.close();
}

type OutgoingRecordLike = unknown;

function empty(): Topology {
  const builder = new StreamsBuilder();
  builder.stream('logs.enriched', { keySerde: S, valueSerde: indexSerde }).process(() => ({ process: () => undefined }));
  return builder.build();
}

function windowCount(): Topology {
  const builder = new StreamsBuilder();
  const { stats, serviceWindows } = addWindowCount(builder.stream('logs.enriched', { keySerde: S, valueSerde: indexSerde }), { builder });
  stats.process(() => ({ process: () => undefined }));
  serviceWindows.process(() => ({ process: () => undefined }));
  return builder.build();
}

/** What the DSL path would be: one aggregate per service and window (counts, sketch bins, samples) in JSON, per window size. */
function dslAggregate(): Topology {
  interface Agg { counts: Record<string, number>; bins: Record<string, number>; samples: string[] }
  const builder = new StreamsBuilder();
  const grouped = builder.stream('logs.enriched', { keySerde: S, valueSerde: indexSerde }).groupByKey();
  for (const size of [10_000, 60_000]) {
    grouped
      .windowedBy(TimeWindows.ofSizeWithGrace(size, 2_000))
      .aggregate(
        (): Agg => ({ counts: {}, bins: {}, samples: [] }),
        (_k, e, agg) => {
          agg.counts[e.level] = (agg.counts[e.level] ?? 0) + 1;
          if (e.latencyMs !== null) {
            const bin = latencyBin(e.latencyMs);
            agg.bins[bin] = (agg.bins[bin] ?? 0) + 1;
          }
          if (agg.samples.length < 5) agg.samples.push(e.message);
          return agg;
        },
        { valueSerde: Serdes.Json<Agg>() },
      )
      .suppress('untilWindowCloses')
      .toStream()
      .process(() => ({ process: () => undefined }));
  }
  return builder.build();
}

for (let round = 0; round < 3; round++) {
  console.log(`round ${round + 1} (${total.toLocaleString('en')} events, 20 services)`);
  measure('empty topology (driver + task overhead)', empty());
  measure('window-count (10 s + 1 min, cells)', windowCount());
  measure('DSL aggregate + suppress, JSON, 2 sizes', dslAggregate());
}
