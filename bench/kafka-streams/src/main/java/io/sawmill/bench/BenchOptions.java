package io.sawmill.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Command-line options of one benchmark run, parsed from `--name value` pairs; unknown names are refused. */
final class BenchOptions {
  private static final Set<String> KNOWN = Set.of(
      "bootstrap", "topology", "input", "output", "records", "guarantee", "commit-interval-ms",
      "threads", "window-ms", "grace-ms", "store", "cache-bytes", "state-dir", "application-id",
      "timeout-s", "keep-internal-topics");

  final String bootstrap;
  final String topology;
  final String input;
  final String output;
  /** input records the run must process before it stops; -1 means "every record in the input topic" */
  final long records;
  final String guarantee;
  final long commitIntervalMs;
  final int threads;
  final long windowMs;
  final long graceMs;
  final String store;
  /** -1 keeps Kafka Streams' default record cache size */
  final long cacheBytes;
  final String stateDir;
  final String applicationId;
  final long timeoutS;
  final boolean keepInternalTopics;

  private BenchOptions(Map<String, String> m) {
    bootstrap = m.getOrDefault("bootstrap", "127.0.0.1:9092");
    topology = required(m, "topology");
    if (!topology.equals("stateless") && !topology.equals("windowed")) {
      throw new IllegalArgumentException("--topology must be stateless or windowed, got " + topology);
    }
    input = required(m, "input");
    output = required(m, "output");
    records = Long.parseLong(m.getOrDefault("records", "-1"));
    String g = m.getOrDefault("guarantee", "at_least_once");
    // Sawmill calls it exactly_once; Kafka Streams 4.x only has the v2 protocol under that name.
    guarantee = g.equals("exactly_once") ? "exactly_once_v2" : g;
    if (!guarantee.equals("at_least_once") && !guarantee.equals("exactly_once_v2")) {
      throw new IllegalArgumentException("--guarantee must be at_least_once or exactly_once_v2, got " + g);
    }
    commitIntervalMs = Long.parseLong(m.getOrDefault("commit-interval-ms", "1000"));
    threads = Integer.parseInt(m.getOrDefault("threads", "1"));
    windowMs = Long.parseLong(m.getOrDefault("window-ms", "10000"));
    graceMs = Long.parseLong(m.getOrDefault("grace-ms", "0"));
    store = m.getOrDefault("store", "in-memory");
    if (!store.equals("in-memory") && !store.equals("rocksdb")) {
      throw new IllegalArgumentException("--store must be in-memory or rocksdb, got " + store);
    }
    cacheBytes = Long.parseLong(m.getOrDefault("cache-bytes", "-1"));
    stateDir = m.getOrDefault("state-dir", System.getProperty("java.io.tmpdir") + "/sawmill-bench-kafka-streams");
    applicationId = m.getOrDefault("application-id",
        "sawmill-bench-ks-" + topology + "-" + System.currentTimeMillis());
    timeoutS = Long.parseLong(m.getOrDefault("timeout-s", "900"));
    keepInternalTopics = Boolean.parseBoolean(m.getOrDefault("keep-internal-topics", "false"));
  }

  /** Parses `--name value` pairs; throws IllegalArgumentException naming the bad option. */
  static BenchOptions parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (!name.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + name);
      }
      String key = name.substring(2);
      if (!KNOWN.contains(key)) throw new IllegalArgumentException("unknown option --" + key);
      m.put(key, args[i + 1]);
    }
    return new BenchOptions(m);
  }

  private static String required(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException("--" + key + " is required");
    return v;
  }
}
