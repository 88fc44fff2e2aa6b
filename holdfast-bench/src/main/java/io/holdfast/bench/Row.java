package io.holdfast.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One contender's result in one workload variant. Metrics keep their insertion order; the ones a table does
 * not show (such as the per-command breakdown {@code cmd.<name>}) still go to the JSON and CSV files.
 *
 * @param workload the workload
 * @param variant the variant, such as {@code W=64}
 * @param contender the contender's name
 * @param metrics values by key
 */
record Row(String workload, String variant, String contender, Map<String, Double> metrics) {
  Row {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** The value, or NaN when this row does not have it. */
  double get(String key) {
    Double value = metrics.get(key);
    return value == null ? Double.NaN : value;
  }
}
