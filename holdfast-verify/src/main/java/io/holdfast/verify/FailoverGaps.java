package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/*
 * How long the locks were unavailable after each failover, from the history alone: for every lock, the first
 * grant among the acquires invoked after the kill, measured from the kill to its completion; a failover's gap is
 * the largest over the locks (on Cluster the locks of the other masters answer at once, so the largest is that of
 * the failed master's locks). An estimate from the workload's own acquires, not a probe: a lock nobody asked for
 * right after the kill does not count. Reported next to the faults; it checks nothing.
 */
final class FailoverGaps {
  private FailoverGaps() { }

  /** One line for the report, or empty when no failover was injected. */
  static String describe(History history) {
    List<Long> gaps = new ArrayList<>();
    long unplanned = history.faults().stream().filter(f -> f.target().equals("unplanned")).count();
    for (FaultWindow fault : history.faults()) {
      if (fault.kind() == FaultKind.FAILOVER && !fault.target().equals("unplanned")) {
        long gap = gap(history.byLock(), fault.start());
        if (gap >= 0) {
          gaps.add(gap);
        }
      }
    }
    String unplannedLine = unplanned == 0 ? "" : String.format(Locale.ROOT, "  failover: %d of them unplanned"
        + " (not injected: the topology failed over by itself; each counts as a lease-loss fault)%n", unplanned);
    if (gaps.isEmpty()) {
      return unplannedLine;
    }
    long[] sorted = Stats.sorted(gaps);
    return String.format(Locale.ROOT, "  failover: every lock granted again %s (p50), %s (max) after the kill,"
        + " over %d injected failovers%n", Stats.millis(Stats.percentile(sorted, 50)),
        Stats.millis(sorted[sorted.length - 1]), sorted.length) + unplannedLine;
  }

  /** The largest, over locks, of kill-to-completion of the first grant invoked after the kill; -1 if none. */
  static long gap(Map<String, List<Operation>> byLock, long killedAt) {
    long largest = -1;
    for (List<Operation> ops : byLock.values()) {
      long first = Long.MAX_VALUE;
      for (Operation op : ops) {
        if (op.op() == Op.ACQUIRE && op.isOk() && op.invoke() >= killedAt) {
          first = Math.min(first, op.complete());
        }
      }
      if (first != Long.MAX_VALUE) {
        largest = Math.max(largest, first - killedAt);
      }
    }
    return largest;
  }
}
