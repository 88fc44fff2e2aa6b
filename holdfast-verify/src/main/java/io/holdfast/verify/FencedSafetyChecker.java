package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/*
 * C1, fenced safety: in the order the resource decided, the tokens of accepted writes of a lock never go down, an
 * equal token is always the same grant (owner), and every accepted token was granted to the owner that used it.
 * The resource enforces the first rule itself; checking it again from the history is what catches a resource that
 * ignores tokens, and the other two catch a lock that hands out a token twice or a client that invents one.
 */
final class FencedSafetyChecker implements Checker {

  @Override
  public CheckResult check(History history) {
    Map<String, Map<Long, Operation>> grants = grantsByLockAndToken(history);
    long accepted = 0;
    long rejected = 0;
    long violations = 0;
    List<String> first = List.of();
    for (Map.Entry<String, List<Operation>> lock : history.byLock().entrySet()) {
      List<Operation> writes = decidedWrites(lock.getValue());
      Operation highest = null;
      for (Operation write : writes) {
        if (!write.isOk()) {
          rejected++;
          continue;
        }
        accepted++;
        List<String> problem = problem(write, highest, grants.getOrDefault(lock.getKey(), Map.of()));
        if (!problem.isEmpty()) {
          violations++;
          first = first.isEmpty() ? problem : first;
        }
        if (highest == null || write.token() > highest.token()) {
          highest = write;
        }
      }
    }
    String summary = String.format("%d violations; %d writes accepted, %d rejected as stale", violations,
        accepted, rejected);
    return new CheckResult("C1", "fenced safety", violations, summary, first, true);
  }

  private static List<String> problem(Operation write, Operation highest, Map<Long, Operation> grants) {
    if (highest != null && write.token() < highest.token()) {
      return List.of("write with token " + write.token() + " accepted after token " + highest.token()
          + " had been accepted:", "  " + highest, "  " + write);
    }
    if (highest != null && write.token() == highest.token() && !write.owner().equals(highest.owner())) {
      return List.of("two owners wrote with the same token " + write.token() + ":", "  " + highest, "  " + write);
    }
    Operation grant = grants.get(write.token());
    if (grant == null || !grant.owner().equals(write.owner())) {
      return List.of("write accepted with token " + write.token() + ", which was never granted to "
          + write.owner() + (grant == null ? "" : " (it was granted to " + grant.owner() + ")") + ":",
          "  " + write);
    }
    return List.of();
  }

  /** The writes the resource decided, in decision order (its completions are recorded in that order). */
  private static List<Operation> decidedWrites(List<Operation> ops) {
    List<Operation> writes = new ArrayList<>();
    for (Operation op : ops) {
      if (op.op() == Op.WRITE && op.completion() != null && !op.isInfo()) {
        writes.add(op);
      }
    }
    writes.sort(Comparator.comparingLong(w -> w.completion().index()));
    return writes;
  }

  static Map<String, Map<Long, Operation>> grantsByLockAndToken(History history) {
    Map<String, Map<Long, Operation>> grants = new HashMap<>();
    for (Operation grant : history.grants()) {
      grants.computeIfAbsent(grant.lock(), k -> new HashMap<>()).putIfAbsent(grant.token(), grant);
    }
    return grants;
  }
}
