package io.holdfast.bench;

import java.util.Arrays;
import java.util.List;

/**
 * One column of a result table.
 *
 * @param key the key in {@link Row#metrics()} and in the JSON and CSV files
 * @param header the column header, with its unit
 * @param decimals digits after the point when printed
 */
record Metric(String key, String header, int decimals) {

  /**
   * The CPU columns {@link RowBuilder#cpu} fills: Redis, the client JVM (the harness) and the service JVM (the
   * lock service's own process; "-" for contenders without one).
   *
   * @param operation what one operation is called in the headers, such as {@code cycle}
   */
  static List<Metric> cpu(String operation) {
    return List.of(new Metric("server_cpu_us", "Redis CPU us/" + operation, 1),
        new Metric("client_cpu_us", "client CPU us/" + operation, 1),
        new Metric("service_cpu_us", "service CPU us/" + operation, 1));
  }

  /** The columns of several lists, in order: a table's own columns around {@link #cpu}. */
  @SafeVarargs
  static List<Metric> columns(List<Metric>... parts) {
    return Arrays.stream(parts).flatMap(List::stream).toList();
  }
}
