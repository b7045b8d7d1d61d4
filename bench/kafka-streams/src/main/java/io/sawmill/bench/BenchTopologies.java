package io.sawmill.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.common.utils.Bytes;

/**
 * The two benchmark topologies, mirrors of bench/topology/sawmill-runner.ts. Input: key
 * "host/service", value {"service":..,"level":..,"ts":..,"latency_ms":..} as a JSON string.
 */
final class BenchTopologies {
  /** Name of the grouping (repartition topic `<app>-by-service-level-repartition`), same on both engines. */
  static final String GROUPING = "by-service-level";
  /** Name of the window store (changelog `<app>-counts-changelog`), same on both engines. */
  static final String STORE = "counts";

  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchTopologies() {}

  /** input → filter(level != DEBUG) → mapValues(service upper-cased) → output; ticks the clock per input record. */
  static Topology stateless(BenchOptions o, ProgressClock clock) {
    StreamsBuilder b = new StreamsBuilder();
    b.stream(o.input, Consumed.with(Serdes.String(), Serdes.String()))
        .peek((k, v) -> clock.tick())
        .mapValues(BenchTopologies::parse)
        .filter((k, v) -> !"DEBUG".equals(v.path("level").asText()))
        .mapValues(v -> {
          // the tree was parsed for this record alone, so it can be changed in place
          ObjectNode out = (ObjectNode) v;
          out.put("service", v.path("service").asText().toUpperCase());
          return write(out);
        })
        .to(o.output, Produced.with(Serdes.String(), Serdes.String()));
    return b.build();
  }

  /**
   * input → groupBy(service|level) → 10 s tumbling windows → count → output keyed
   * "service|level@windowStartMs" with the running count as a decimal string.
   *
   * The count is written as aggregate(0, n + 1), which is what count() does inside Kafka Streams,
   * so the clock can tick inside the aggregation: the target-th tick means every input record
   * has been counted (after the repartition hop), not merely read.
   */
  static Topology windowed(BenchOptions o, ProgressClock clock) {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> in = b.stream(o.input, Consumed.with(Serdes.String(), Serdes.String()));
    Duration size = Duration.ofMillis(o.windowMs);
    Duration grace = Duration.ofMillis(o.graceMs);
    Materialized<String, Long, WindowStore<Bytes, byte[]>> materialized = o.store.equals("in-memory")
        // Sawmill's stores are in memory; Kafka Streams defaults to RocksDB (--store rocksdb).
        ? Materialized.<String, Long>as(Stores.inMemoryWindowStore(STORE, size.plus(grace), size, false))
        : Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(STORE);
    in.groupBy((k, v) -> {
          JsonNode n = parse(v);
          return n.path("service").asText() + "|" + n.path("level").asText();
        }, Grouped.with(GROUPING, Serdes.String(), Serdes.String()))
        .windowedBy(TimeWindows.ofSizeAndGrace(size, grace))
        .aggregate(() -> 0L, (k, v, n) -> {
          clock.tick();
          return n + 1;
        }, materialized.withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
        .toStream()
        .map((wk, n) -> KeyValue.pair(wk.key() + "@" + wk.window().start(), Long.toString(n)))
        .to(o.output, Produced.with(Serdes.String(), Serdes.String()));
    return b.build();
  }

  private static JsonNode parse(String v) {
    try {
      return JSON.readTree(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String write(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
