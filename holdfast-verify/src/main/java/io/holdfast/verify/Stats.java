package io.holdfast.verify;

import java.util.Arrays;
import java.util.Collection;

/* Percentiles of a handful of durations (takeover latencies): sort and pick, nearest-rank. */
final class Stats {
  private Stats() { }

  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static long[] sorted(Collection<Long> values) {
    long[] array = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(array);
    return array;
  }

  static String millis(long nanos) {
    return String.format("%.0f ms", nanos / 1e6);
  }
}
