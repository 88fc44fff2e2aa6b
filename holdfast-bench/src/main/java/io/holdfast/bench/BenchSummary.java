package io.holdfast.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a run.
 *
 * @param violations correctness violations seen; any makes the results invalid
 * @param failedWorkloads workloads that could not run to the end
 * @param files the result files written (JSON, CSV, Markdown, SVG)
 */
public record BenchSummary(long violations, List<String> failedWorkloads, List<Path> files) {
  /** Validates and copies. */
  public BenchSummary {
    failedWorkloads = List.copyOf(failedWorkloads);
    files = List.copyOf(files);
  }

  /**
   * Whether every workload ran and nothing broke exclusion or fencing.
   *
   * @return true for a usable result
   */
  public boolean ok() {
    return violations == 0 && failedWorkloads.isEmpty();
  }

  /**
   * The process exit code for this outcome: 0 when {@link #ok()}, else 1.
   *
   * @return the exit code
   */
  public int exitCode() {
    return ok() ? 0 : 1;
  }
}
