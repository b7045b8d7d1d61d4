package io.sawmill.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts input records as the topology processes them and remembers when the first and the
 * target-th were seen, so throughput is measured over processing only (not startup or shutdown).
 */
final class ProgressClock {
  private final long target;
  private final AtomicLong seen = new AtomicLong();
  private final CountDownLatch reached = new CountDownLatch(1);
  private volatile long firstNanos = -1;
  private volatile long lastNanos = -1;

  ProgressClock(long target) {
    this.target = target;
  }

  /** Records that one more input record went through the processing step being timed; thread-safe. */
  void tick() {
    long n = seen.incrementAndGet();
    if (n == 1) firstNanos = System.nanoTime();
    if (n == target) markEnd();
  }

  /**
   * Ends the measurement now: for records the engine dropped (late for their window) and that will
   * therefore never tick. No effect once the target was reached.
   */
  synchronized void markEnd() {
    if (reached.getCount() == 0) return;
    lastNanos = System.nanoTime();
    reached.countDown();
  }

  /** Waits until the target count was reached; false on timeout. */
  boolean await(long timeout, TimeUnit unit) throws InterruptedException {
    return reached.await(timeout, unit);
  }

  /** Records seen so far. */
  long seen() {
    return seen.get();
  }

  /** Nanos.time of the first record, -1 before any. */
  long firstNanos() {
    return firstNanos;
  }

  /** Seconds from the first record to the target-th one; only meaningful after await returned true. */
  double processingSeconds() {
    return (lastNanos - firstNanos) / 1e9;
  }
}
