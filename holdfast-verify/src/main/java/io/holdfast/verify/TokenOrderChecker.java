package io.holdfast.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/*
 * C2, tokens: for each lock, no token was granted to two different owners, and a grant that began after another
 * grant had completed got a larger token. The second part is checked by a sweep: grants by invoke time against
 * the largest token among grants completed strictly before; operation bounds are widened by the clock mapping, so
 * "completed before" is never claimed when it is not certain.
 */
final class TokenOrderChecker implements Checker {

  @Override
  public CheckResult check(History history) {
    Map<String, List<Operation>> byLock = new HashMap<>();
    for (Operation grant : history.grants()) {
      byLock.computeIfAbsent(grant.lock(), k -> new ArrayList<>()).add(grant);
    }
    long violations = 0;
    List<String> first = List.of();
    for (List<Operation> grants : byLock.values()) {
      List<List<String>> problems = new ArrayList<>(duplicates(grants));
      problems.addAll(outOfOrder(grants));
      violations += problems.size();
      if (first.isEmpty() && !problems.isEmpty()) {
        first = problems.get(0);
      }
    }
    String summary = String.format("%d violations in %d grants over %d locks", violations,
        history.grants().size(), byLock.size());
    return new CheckResult("C2", "token uniqueness and order", violations, summary, first, true);
  }

  private static List<List<String>> duplicates(List<Operation> grants) {
    List<List<String>> problems = new ArrayList<>();
    Map<Long, Operation> byToken = new HashMap<>();
    for (Operation grant : grants) {
      Operation earlier = byToken.putIfAbsent(grant.token(), grant);
      if (earlier != null && !earlier.owner().equals(grant.owner())) {
        problems.add(List.of("token " + grant.token() + " of " + grant.lock() + " granted twice:",
            "  " + earlier, "  " + grant));
      }
    }
    return problems;
  }

  private static List<List<String>> outOfOrder(List<Operation> grants) {
    List<Operation> byInvoke = new ArrayList<>(grants);
    byInvoke.sort(Comparator.comparingLong(Operation::invoke));
    List<Operation> byComplete = new ArrayList<>(grants);
    byComplete.sort(Comparator.comparingLong(Operation::complete));
    List<List<String>> problems = new ArrayList<>();
    Operation largest = null;
    int done = 0;
    for (Operation grant : byInvoke) {
      while (done < byComplete.size() && byComplete.get(done).complete() < grant.invoke()) {
        Operation completed = byComplete.get(done++);
        if (largest == null || completed.token() > largest.token()) {
          largest = completed;
        }
      }
      if (largest != null && largest.token() >= grant.token() && !largest.owner().equals(grant.owner())) {
        problems.add(List.of("grant with token " + grant.token() + " began after a grant with token "
            + largest.token() + " had completed:", "  " + largest, "  " + grant));
      }
    }
    return problems;
  }
}
