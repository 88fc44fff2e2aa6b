package io.holdfast.bench;

import java.util.List;

/**
 * How one workload's results are shown.
 *
 * @param workload the workload name, as in {@link Row#workload()}
 * @param title a heading
 * @param setup threads x instances and other conditions, one line
 * @param columns the metrics shown, in order
 * @param ratioKeys metrics also shown as a ratio to Redisson and to the raw floor in the same variant
 * @param chartKeys metrics drawn in the workload's SVG chart, one panel each
 */
record TableSpec(String workload, String title, String setup, List<Metric> columns, List<String> ratioKeys,
    List<String> chartKeys) {
  TableSpec {
    columns = List.copyOf(columns);
    ratioKeys = List.copyOf(ratioKeys);
    chartKeys = List.copyOf(chartKeys);
  }

  Metric metric(String key) {
    return columns.stream().filter(m -> m.key().equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no column " + key + " in " + workload));
  }
}
