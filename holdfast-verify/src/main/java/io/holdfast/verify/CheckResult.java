package io.holdfast.verify;

import java.util.List;

/**
 * What one checker found.
 *
 * @param id C1 to C6
 * @param title what it checks
 * @param violations how many violations (for C3, overlaps no injected fault explains)
 * @param summary one line of figures
 * @param counterexample the events of the first violation, empty when none
 * @param counted whether the violations count toward the run's {@code violations:} line (C1, C2, C5)
 */
record CheckResult(String id, String title, long violations, String summary, List<String> counterexample,
    boolean counted) {

  CheckResult {
    counterexample = List.copyOf(counterexample);
  }

  boolean passed() {
    return violations == 0;
  }
}
