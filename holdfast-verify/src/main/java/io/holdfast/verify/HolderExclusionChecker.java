package io.holdfast.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/*
 * C3 of the read/write lock and the semaphore, holders at once: what LeaseOverlapChecker measures for the mutex,
 * held to the primitive's own bound. A holder believes its hold valid from its acquire's completion until its latest
 * validity claim, cut short by its own release (LeaseOverlapChecker.beliefEnds, the same mapping: a hold begins at
 * its latest possible time and ends at its earliest, so every excess reported is certain). For a read/write lock no
 * write hold (HolderKinds.isWriter) may overlap any other hold of the name; for a semaphore at most
 * HolderKinds.PERMITS holds may overlap. An excess while a fault that loses leases in Redis was active (LeaseLoss:
 * redis-wipe, failover, redis-clock) is reported as explained and not counted, as C3 does for the mutex.
 */
final class HolderExclusionChecker implements Checker {
  private final Duration ttl;
  private final boolean readWrite;

  /** A hold of one name: the grant, and from when to when its holder relied on it. */
  private record Hold(Operation grant, long start, long end) { }

  HolderExclusionChecker(Duration ttl, boolean readWrite) {
    this.ttl = ttl;
    this.readWrite = readWrite;
  }

  @Override
  public CheckResult check(History history) {
    Map<String, Long> ends = LeaseOverlapChecker.beliefEnds(history);
    Map<String, List<Hold>> byLock = new HashMap<>();
    for (Operation grant : history.grants()) {
      Long end = ends.get(LeaseOverlapChecker.key(grant));
      if (end != null && end > grant.complete()) {
        byLock.computeIfAbsent(grant.lock(), k -> new ArrayList<>()).add(new Hold(grant, grant.complete(), end));
      }
    }
    long excesses = 0;
    long unexplained = 0;
    Map<FaultKind, Long> explained = new EnumMap<>(FaultKind.class);
    List<String> first = List.of();
    for (List<Hold> holds : byLock.values()) {
      holds.sort(Comparator.comparingLong(Hold::start));
      List<Hold> active = new ArrayList<>();
      for (Hold hold : holds) {
        active.removeIf(other -> other.end() <= hold.start());
        List<Hold> conflicting = conflicts(active, hold);
        if (!conflicting.isEmpty()) {
          excesses++;
          FaultKind cause = explanation(history, conflicting, hold);
          if (cause != null) {
            explained.merge(cause, 1L, Long::sum);
          } else if (unexplained++ == 0) {
            first = counterexample(hold, conflicting);
          }
        }
        active.add(hold);
      }
    }
    String summary = String.format("%d holds beyond the %s (%d explained by faults that lose leases: %s); %d "
        + "unexplained, in %d grants", excesses, bound(), excesses - unexplained, LeaseLoss.byKind(explained),
        unexplained, history.grants().size());
    return new CheckResult("C3", readWrite ? "no writer overlapping another holder" : "at most "
        + HolderKinds.PERMITS + " permit holders at once", unexplained, summary, first, true);
  }

  /* The holds that, with this one, break the bound: all active ones when any write is involved or too many hold. */
  private List<Hold> conflicts(List<Hold> active, Hold hold) {
    if (readWrite) {
      boolean writer = HolderKinds.isWriter(hold.grant().owner());
      return active.stream().filter(other -> writer || HolderKinds.isWriter(other.grant().owner())).toList();
    }
    return active.size() + 1 > HolderKinds.PERMITS ? List.copyOf(active) : List.of();
  }

  /* Explained when some conflicting hold may have been lost in Redis before this grant (any one suffices). */
  private FaultKind explanation(History history, List<Hold> conflicting, Hold hold) {
    return conflicting.stream()
        .map(other -> LeaseLoss.explaining(history, other.grant().invoke(), hold.grant().complete(), ttl.toNanos()))
        .filter(kind -> kind != null).findFirst().orElse(null);
  }

  private String bound() {
    return readWrite ? "read/write exclusion" : "bound of " + HolderKinds.PERMITS + " permits";
  }

  private List<String> counterexample(Hold hold, List<Hold> conflicting) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("%s hold of token %d began while %d other hold(s) were still relied on (%s), and no "
        + "fault explains it:", readWrite ? (HolderKinds.isWriter(hold.grant().owner()) ? "a write" : "a read")
        : "a permit", hold.grant().token(), conflicting.size(), bound()));
    lines.add("  " + hold.grant());
    lines.addAll(conflicting.stream().limit(3).map(other -> "  " + other.grant()).collect(Collectors.toList()));
    return lines;
  }
}
