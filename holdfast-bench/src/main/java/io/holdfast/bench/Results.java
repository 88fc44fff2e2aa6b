package io.holdfast.bench;

import java.util.List;
import java.util.Objects;

/**
 * Everything a run produced.
 *
 * @param machine where it ran
 * @param profile how long and large it was
 * @param tables how each workload is shown, in run order
 * @param rows every measurement
 * @param notes remarks: errors, skipped contenders, workloads that failed
 * @param violations how many correctness violations were seen (any makes the run invalid)
 * @param violationSamples the first few violations
 */
record Results(Machine machine, Profile profile, List<TableSpec> tables, List<Row> rows, List<String> notes,
    long violations, List<String> violationSamples) {
  Results {
    tables = List.copyOf(tables);
    rows = List.copyOf(rows);
    notes = List.copyOf(notes);
    violationSamples = List.copyOf(violationSamples);
  }

  List<Row> rowsOf(String workload) {
    return rows.stream().filter(r -> r.workload().equals(workload)).toList();
  }

  /** The row of another contender in the same workload and variant, if any. */
  Row baseline(Row row, String contender) {
    return rows.stream()
        .filter(r -> r.workload().equals(row.workload()) && r.variant().equals(row.variant())
            && Objects.equals(r.contender(), contender))
        .findFirst().orElse(null);
  }
}
