package io.holdfast.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/*
 * What the fleet did, updated concurrently by every node and read by the progress line and the summary.
 * LongAdders because a hundred threads increment the same few counters; ConcurrentHistogram so that the summary
 * can read the latencies even when Ctrl-C left some nodes still running.
 */
final class DemoStats {
  private final LongAdder grants = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder crashes = new LongAdder();
  private final LongAdder stalls = new LongAdder();
  private final LongAdder leaseExpiries = new LongAdder();
  private final LongAdder outlivedTtl = new LongAdder();
  private final AtomicInteger waiting = new AtomicInteger();
  // Microseconds, three significant digits, resized as needed: waits reach seconds, holds stay at milliseconds.
  private final Histogram waitMicros = new ConcurrentHistogram(3);
  private final Histogram holdMicros = new ConcurrentHistogram(3);

  void acquireStarted() {
    waiting.incrementAndGet();
  }

  void granted(long waitNanos) {
    waiting.decrementAndGet();
    grants.increment();
    waitMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(waitNanos));
  }

  void timedOut() {
    waiting.decrementAndGet();
    timeouts.increment();
  }

  /** An acquire that threw; whether it counts as an error is decided by {@link #error()}. */
  void acquireAborted() {
    waiting.decrementAndGet();
  }

  /** A backend error: an acquire or release that failed, a reconnect that did not connect. */
  void error() {
    errors.increment();
  }

  void held(long holdNanos) {
    holdMicros.recordValue(TimeUnit.NANOSECONDS.toMicros(holdNanos));
  }

  void crashed() {
    crashes.increment();
  }

  void stalled() {
    stalls.increment();
  }

  void leaseExpired() {
    leaseExpiries.increment();
  }

  /** A lease that was still releasable well after its TTL: the backend did not expire it. */
  void leaseOutlivedTtl() {
    outlivedTtl.increment();
  }

  long grants() {
    return grants.sum();
  }

  long timeouts() {
    return timeouts.sum();
  }

  long errors() {
    return errors.sum();
  }

  long crashes() {
    return crashes.sum();
  }

  long stalls() {
    return stalls.sum();
  }

  long leaseExpiries() {
    return leaseExpiries.sum();
  }

  long outlivedTtl() {
    return outlivedTtl.sum();
  }

  int waiting() {
    return waiting.get();
  }

  /** The wait-time percentile in milliseconds, or 0 with no samples. */
  double waitMillis(double percentile) {
    return millis(waitMicros, percentile);
  }

  /** The hold-time percentile in milliseconds, or 0 with no samples. */
  double holdMillis(double percentile) {
    return millis(holdMicros, percentile);
  }

  private static double millis(Histogram histogram, double percentile) {
    Histogram copy = histogram.copy();
    return copy.getTotalCount() == 0 ? 0 : copy.getValueAtPercentile(percentile) / 1000.0;
  }
}
