package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/*
 * C3, lease overlap: a measurement. A holder believes its lease valid from its acquire's completion until the
 * latest validity claim it made (each claim is "valid until" as of a stamped instant, reported with the acquire,
 * each renewal and each write), cut short by its own release. Two holders overlap when the earlier one's belief
 * ends after the next grant of the lock completed. Claims are mapped to their earliest possible time and grants
 * to their latest, so a reported overlap is certain, never an artefact of the clock mapping.
 *
 * With Holdfast the local deadline counts from when the request was sent and keeps a drift allowance back, so it
 * ends before Redis's expiry and overlap needs a fault that ends a lease early in Redis: data loss (redis-wipe, or a
 * failover to a replica that had not received the grant yet) or a Redis clock step (LeaseLoss says which). An
 * overlap near no such fault is reported as unexplained: a validity bug (as in the negative control that times
 * validity by the wall clock). Fencing keeps writes correct even then (C1).
 */
final class LeaseOverlapChecker implements Checker {
  private final Duration ttl;

  LeaseOverlapChecker(Duration ttl) {
    this.ttl = ttl;
  }

  @Override
  public CheckResult check(History history) {
    Map<String, Long> beliefEnds = beliefEnds(history);
    Map<String, List<Operation>> byLock = new HashMap<>();
    history.grants().forEach(g -> byLock.computeIfAbsent(g.lock(), k -> new ArrayList<>()).add(g));
    Tally tally = new Tally();
    for (List<Operation> grants : byLock.values()) {
      grants.sort(Comparator.comparingLong(Operation::token));
      long nextStart = Long.MAX_VALUE;
      Operation next = null;
      for (int i = grants.size() - 1; i >= 0; i--) {
        Operation grant = grants.get(i);
        Long end = beliefEnds.get(key(grant));
        if (next != null && end != null && end > nextStart) {
          tally.overlap(grant, next, end - nextStart,
              LeaseLoss.explaining(history, grant.invoke(), next.complete(), ttl.toNanos()));
        }
        if (grant.complete() < nextStart) {
          nextStart = grant.complete();
          next = grant;
        }
      }
    }
    String summary = String.format("%d overlapping holds (%d explained by faults that lose leases: %s), "
        + "largest %.1f ms; %d unexplained", tally.count, tally.count - tally.unexplained,
        tally.explainedByKind(), tally.largest / 1e6, tally.unexplained);
    return new CheckResult("C3", "lease overlap (measured)", tally.unexplained, summary, tally.first, false);
  }

  /** For each grant, when its holder stopped believing in it: its latest claim, or its release if earlier. */
  static Map<String, Long> beliefEnds(History history) {
    Map<String, Long> claims = new HashMap<>();
    Map<String, Long> releases = new HashMap<>();
    for (Operation op : history.operations()) {
      if (op.until() > 0 && (op.op() == Op.WRITE || op.isOk())) {
        claims.merge(key(op), op.until(), Math::max);
      }
      if (op.op() == Op.RELEASE) {
        releases.merge(key(op), op.invoke(), Math::min);
      }
    }
    Map<String, Long> ends = new HashMap<>();
    claims.forEach((grant, claim) -> ends.put(grant, Math.min(claim, releases.getOrDefault(grant, claim))));
    return ends;
  }

  static String key(Operation op) {
    return op.lock() + "/" + op.owner() + "/" + op.token();
  }

  /** Counts overlaps (the explained ones by kind, with the largest of each) and keeps the first unexplained one. */
  private static final class Tally {
    long count;
    long unexplained;
    long largest;
    final Map<FaultKind, long[]> explained = new EnumMap<>(FaultKind.class);
    List<String> first = List.of();

    void overlap(Operation grant, Operation next, long nanos, FaultKind explainedBy) {
      count++;
      largest = Math.max(largest, nanos);
      if (explainedBy != null) {
        long[] countAndLargest = explained.computeIfAbsent(explainedBy, k -> new long[2]);
        countAndLargest[0]++;
        countAndLargest[1] = Math.max(countAndLargest[1], nanos);
      } else {
        unexplained++;
        if (first.isEmpty()) {
          first = List.of(String.format("the holder of token %d still believed its lease valid %.1f ms after "
              + "token %d was granted, and no fault explains it:", grant.token(), nanos / 1e6, next.token()),
              "  " + grant, "  " + next);
        }
      }
    }

    String explainedByKind() {
      return explained.isEmpty() ? "none" : explained.entrySet().stream()
          .map(e -> String.format("%s %d, largest %.1f ms", e.getKey().cliName(), e.getValue()[0],
              e.getValue()[1] / 1e6))
          .collect(Collectors.joining("; "));
    }
  }
}
