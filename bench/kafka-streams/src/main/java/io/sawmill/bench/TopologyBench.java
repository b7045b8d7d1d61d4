package io.sawmill.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/**
 * Runs one benchmark topology with Kafka Streams until it has processed the expected number of
 * input records, then prints one JSON result line on stdout and exits 0 (1 on error or timeout).
 *
 * End of input: the topology ticks a {@link ProgressClock} per input record (stateless: at the
 * source; windowed: inside the window aggregation, after the repartition hop). The input topic is
 * written before the run, so its end offsets give the number to wait for. After the target tick the
 * app closes Kafka Streams (final commit) and checks with the admin client that the group's
 * committed offsets on the input topic equal its end offsets (reported as input_lag_after_close).
 * Records dropped as late (grace too short) never tick; they are counted from Kafka Streams' own
 * dropped-records-total metric, so a short grace ends the run too, with dropped_records > 0.
 */
public final class TopologyBench {
  /** Give up when no input record went through for this long after the first one. */
  private static final long STALL_NANOS = 120_000_000_000L;

  private TopologyBench() {}

  public static void main(String[] args) throws Exception {
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    int rc = run(o);
    // Kafka client threads (admin, metrics) may outlive close(); the result is already printed.
    System.exit(rc);
  }

  private static int run(BenchOptions o) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap))) {
      Map<TopicPartition, Long> ends = endOffsets(admin, o.input);
      long available = ends.values().stream().mapToLong(Long::longValue).sum()
          - startOffsets(admin, ends.keySet()).values().stream().mapToLong(Long::longValue).sum();
      long target = o.records < 0 ? available : o.records;
      if (target <= 0 || target > available) {
        System.err.println("error: input topic " + o.input + " holds " + available + " records, asked for " + target);
        return 1;
      }

      ensureOutputTopic(admin, o.output, ends.size());
      ProgressClock clock = new ProgressClock(target);
      Topology topology = o.topology.equals("stateless")
          ? BenchTopologies.stateless(o, clock)
          : BenchTopologies.windowed(o, clock);
      System.err.println(topology.describe());

      AtomicReference<Throwable> failure = new AtomicReference<>();
      long startNanos = System.nanoTime();
      KafkaStreams streams = new KafkaStreams(topology, streamsConfig(o));
      streams.setUncaughtExceptionHandler(e -> {
        failure.compareAndSet(null, e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      streams.start();

      boolean done = waitForTarget(clock, streams, target, failure, o.timeoutS);
      long dropped = droppedRecords(streams);
      long closeStart = System.nanoTime();
      // leave the group at once (static membership below), so the group can be deleted afterwards
      streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(120)).leaveGroup(true));
      double closeSeconds = (System.nanoTime() - closeStart) / 1e9;
      streams.cleanUp();

      if (!done) {
        Throwable f = failure.get();
        System.err.println("error: processed " + clock.seen() + " of " + target + " records"
            + (f != null ? ": " + f : " before the " + o.timeoutS + " s timeout")
            + " (dropped as late: " + droppedRecords(streams) + ")");
        if (!o.keepInternalTopics) deleteInternalTopics(admin, o.applicationId);
        return 1;
      }

      long lag = inputLag(admin, o.applicationId, ends);
      if (!o.keepInternalTopics) deleteInternalTopics(admin, o.applicationId);
      double seconds = clock.processingSeconds();
      System.out.println(resultLine(o, target, seconds,
          (clock.firstNanos() - startNanos) / 1e9, closeSeconds, lag, dropped));
      return 0;
    }
  }

  private static Properties streamsConfig(BenchOptions o) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, o.applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, o.guarantee);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, o.commitIntervalMs);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, o.threads);
    p.put(StreamsConfig.STATE_DIR_CONFIG, o.stateDir);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    if (o.cacheBytes >= 0) p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, o.cacheBytes);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // static membership: only a static member can be removed from the group on close (leaveGroup)
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), o.applicationId);
    return p;
  }

  /**
   * Polls the clock (and the client's health) until the target is reached, it failed, or the
   * deadline passed. Records Kafka Streams drops (late for their window: task metric
   * dropped-records-total) never tick, so seen + dropped reaching the target also ends the run.
   */
  private static boolean waitForTarget(ProgressClock clock, KafkaStreams streams, long target,
      AtomicReference<Throwable> failure, long timeoutS) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutS * 1_000_000_000L;
    long lastSeen = 0;
    long lastProgress = System.nanoTime();
    while (System.nanoTime() < deadline) {
      if (clock.await(20, TimeUnit.MILLISECONDS)) return true;
      long seen = clock.seen();
      if (seen != lastSeen) {
        lastSeen = seen;
        lastProgress = System.nanoTime();
      } else if (seen > 0 && System.nanoTime() - lastProgress > STALL_NANOS) {
        System.err.println("error: no progress for " + STALL_NANOS / 1_000_000_000L + " s");
        return false;
      }
      if (clock.seen() + droppedRecords(streams) >= target) {
        clock.markEnd();
        return true;
      }
      KafkaStreams.State s = streams.state();
      if (failure.get() != null || s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
        return false;
      }
    }
    return false;
  }

  /** Sum of the task-level dropped-records-total metrics (late records, among others). */
  static long droppedRecords(KafkaStreams streams) {
    double sum = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      if (e.getKey().name().equals("dropped-records-total") && e.getKey().group().equals("stream-task-metrics")) {
        Object v = e.getValue().metricValue();
        if (v instanceof Number n) sum += n.doubleValue();
      }
    }
    return (long) sum;
  }

  /**
   * Creates the output topic when missing, with the input's partition count and no time-based
   * retention: the bench data carries fixed event timestamps that a 7-day retention would delete.
   */
  private static void ensureOutputTopic(Admin admin, String topic, int partitions) throws Exception {
    if (admin.listTopics().names().get().contains(topic)) return;
    NewTopic t = new NewTopic(topic, Optional.of(partitions), Optional.empty())
        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
    try {
      admin.createTopics(List.of(t)).all().get();
    } catch (ExecutionException e) {
      // another run created it in between: fine, it is the same topic
      if (!(e.getCause() instanceof TopicExistsException)) throw e;
    }
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
    d.partitions().forEach(p -> spec.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    return admin.listOffsets(spec).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  private static Map<TopicPartition, Long> startOffsets(Admin admin, Set<TopicPartition> tps) throws Exception {
    Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
    tps.forEach(tp -> spec.put(tp, OffsetSpec.earliest()));
    return admin.listOffsets(spec).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** Records of the input topic not covered by the group's committed offsets (0 = everything committed). */
  private static long inputLag(Admin admin, String groupId, Map<TopicPartition, Long> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += e.getValue() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  /** Deletes the run's repartition and changelog topics and its consumer group, so runs do not pile up on the broker. */
  private static void deleteInternalTopics(Admin admin, String applicationId) {
    try {
      List<String> internal = new ArrayList<>();
      for (String t : admin.listTopics().names().get()) {
        if (t.startsWith(applicationId + "-")) internal.add(t);
      }
      if (!internal.isEmpty()) admin.deleteTopics(internal).all().get();
      admin.deleteConsumerGroups(List.of(applicationId)).all().get();
    } catch (Exception e) {
      // cleanup is best effort: the measurement is already taken, so only say what was left behind
      System.err.println("warning: could not delete internal topics of " + applicationId + ": " + e);
    }
  }

  private static String resultLine(BenchOptions o, long records, double seconds, double startupSeconds,
      double closeSeconds, long lag, long dropped) {
    return String.format(Locale.ROOT,
        "{\"engine\":\"kafka-streams\",\"topology\":\"%s\",\"guarantee\":\"%s\",\"records\":%d,"
            + "\"seconds\":%.3f,\"records_per_s\":%.0f,\"startup_seconds\":%.3f,\"close_seconds\":%.3f,"
            + "\"input_lag_after_close\":%d,\"dropped_records\":%d,\"application_id\":\"%s\",\"input_topic\":\"%s\",\"output_topic\":\"%s\","
            + "\"threads\":%d,\"commit_interval_ms\":%d,\"store\":\"%s\",\"cache_max_bytes\":%d,"
            + "\"window_ms\":%d,\"grace_ms\":%d,\"kafka_streams_version\":\"%s\"}",
        o.topology, o.guarantee, records, seconds, records / seconds, startupSeconds, closeSeconds, lag, dropped,
        o.applicationId, o.input, o.output, o.threads, o.commitIntervalMs, o.store,
        o.cacheBytes, o.windowMs, o.graceMs, org.apache.kafka.common.utils.AppInfoParser.getVersion());
  }
}
