package io.holdfast.bench;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in microseconds from a histogram of nanoseconds.
 *
 * @param count samples
 * @param p50 median
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max largest sample
 */
record Latency(long count, double p50, double p99, double p999, double max) {
  /** Up to 2 minutes at 3 significant digits: enough for a hand-off stuck behind a re-check timer. */
  private static final long HIGHEST_NANOS = 120_000_000_000L;

  static Histogram histogram() {
    return new Histogram(HIGHEST_NANOS, 3);
  }

  static void record(Histogram histogram, long nanos) {
    histogram.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
  }

  static Latency of(Histogram histogram) {
    return new Latency(histogram.getTotalCount(), micros(histogram.getValueAtPercentile(50)),
        micros(histogram.getValueAtPercentile(99)), micros(histogram.getValueAtPercentile(99.9)),
        micros(histogram.getMaxValue()));
  }

  private static double micros(long nanos) {
    return nanos / 1000.0;
  }
}
