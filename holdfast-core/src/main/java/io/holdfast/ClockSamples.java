package io.holdfast;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalDouble;

/*
 * The arithmetic of the clock detector, kept apart from I/O so it can be tested with made-up clocks. Each sample
 * pairs the backend's clock with the local clocks at the midpoint of the round trip that read it. The wall-clock
 * offset comes from the newest sample; the rate of the local monotonic clock is the ratio of its elapsed time to
 * the backend's over a window of recent samples (at least MIN_SPAN wide, at most WINDOW), so a clock that changes
 * speed is noticed within a window. Half the round trips at each end bound the error of that ratio.
 *
 * Thread-safe: every method is synchronized; samples arrive on backend threads and readers are any thread.
 */
final class ClockSamples {
  /** Shortest backend-time span over which a rate is reported: shorter ones are dominated by round-trip noise. */
  static final long MIN_SPAN_NANOS = 2_000_000_000L;
  /** Samples older than this (in backend time) are dropped, so the rate follows a clock that changes speed. */
  static final long WINDOW_NANOS = 30_000_000_000L;

  /** One reading: local monotonic and wall time at the round trip's midpoint, its length, and the backend time. */
  record Sample(long localNanos, long localWallNanos, long roundTripNanos, long backendNanos) { }

  private final Deque<Sample> samples = new ArrayDeque<>();

  synchronized void add(Sample sample) {
    Sample newest = samples.peekLast();
    if (newest != null && sample.backendNanos() - newest.backendNanos() < 0) {
      samples.clear(); // the backend's clock stepped back: what came before no longer measures a rate
    }
    samples.addLast(sample);
    while (samples.size() > 2 && sample.backendNanos() - samples.peekFirst().backendNanos() > WINDOW_NANOS) {
      samples.removeFirst();
    }
  }

  /** Local wall clock minus the backend's, in nanoseconds, from the newest sample; empty before any. */
  synchronized OptionalDouble offsetNanos() {
    Sample newest = samples.peekLast();
    return newest == null ? OptionalDouble.empty()
        : OptionalDouble.of(newest.localWallNanos() - newest.backendNanos());
  }

  /** Local monotonic elapsed time per unit of backend time (1.0: same speed); empty until the span is wide enough. */
  synchronized OptionalDouble rate() {
    long span = span();
    if (span < MIN_SPAN_NANOS) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((double) (samples.peekLast().localNanos() - samples.peekFirst().localNanos()) / span);
  }

  /** Bound on the error of {@link #rate()}: half of each end's round trip over the span; empty with no rate. */
  synchronized OptionalDouble rateError() {
    long span = span();
    if (span < MIN_SPAN_NANOS) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((samples.peekFirst().roundTripNanos() + samples.peekLast().roundTripNanos()) / 2.0
        / span);
  }

  private long span() {
    return samples.size() < 2 ? 0 : samples.peekLast().backendNanos() - samples.peekFirst().backendNanos();
  }
}
