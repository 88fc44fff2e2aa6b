package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.FencedMutexModel.Kind;
import io.holdfast.verify.FencedMutexModel.State;
import io.holdfast.verify.FencedMutexModel.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/*
 * C4, linearizability of each lock's acquire/renew/release history against the fenced, leased mutex of
 * FencedMutexModel, with WglSearch. Locks are independent objects, so each is checked alone (P-compositionality).
 * The model is timed (a lease cannot expire before TTL - epsilon after its grant or visible renewal) except in
 * lease-loss windows: a redis-wipe or failover from crash to heal (a failover loses what the promoted replica had
 * not received; on independent masters, what the wiped minority held), and a redis-clock step from the step until
 * one TTL after it is undone. Client clock faults do not matter, as Redis times every lease. Epsilon covers Redis's
 * millisecond expiry granularity and the rate difference of its wall clock and our monotonic clock.
 */
final class LinearizabilityChecker implements Checker {
  static final long DEFAULT_BUDGET = 20_000_000;

  private final Duration ttl;
  private final long budget;
  private final boolean fair;

  LinearizabilityChecker(Duration ttl, long budget) {
    this(ttl, budget, false);
  }

  /**
   * With {@code fair}, failed acquires are left out: the fair lock refuses a free lock to everyone but the head of
   * its line during a hand-off (and for as long as a dead head's place lasts), so "busy" does not mean "held" there;
   * the order of its grants is C7's.
   */
  LinearizabilityChecker(Duration ttl, long budget, boolean fair) {
    this.ttl = ttl;
    this.budget = budget;
    this.fair = fair;
  }

  static Duration epsilon(Duration ttl) {
    return Duration.ofMillis(2).plus(ttl.dividedBy(1000));
  }

  @Override
  public CheckResult check(History history) {
    List<long[]> lossWindows = lossWindows(history, ttl);
    FencedMutexModel model = new FencedMutexModel(ttl, epsilon(ttl), lossWindows);
    int linearizable = 0;
    int inconclusive = 0;
    long violations = 0;
    long operations = 0;
    List<String> first = List.of();
    for (Map.Entry<String, List<Operation>> lock : history.byLock().entrySet()) {
      List<Operation> ops = modelled(lock.getValue()).stream()
          .filter(op -> !fair || op.op() != Op.ACQUIRE || op.isOk() || op.isInfo()).toList();
      List<Modelled> steps = steps(ops);
      operations += ops.size();
      WglSearch.Result<Set<State>> result = search(model, steps);
      switch (result.verdict()) {
        case LINEARIZABLE -> linearizable++;
        case INCONCLUSIVE -> inconclusive++;
        default -> {
          violations++;
          first = first.isEmpty() ? counterexample(lock.getKey(), ops, steps.get(result.stuckAt()).op(), result)
              : first;
        }
      }
    }
    String summary = String.format("%d of %d locks linearizable, %d not, %d inconclusive (%d operations; timed"
        + " model, epsilon %s, %d lease-loss windows)", linearizable, history.byLock().size(), violations,
        inconclusive, operations, Stats.millis(epsilon(ttl).toNanos()), lossWindows.size());
    return new CheckResult("C4", "linearizability (fenced leased mutex)", violations, summary, first, false);
  }

  /** Where Redis may end leases early: data loss, and Redis clock steps until one TTL after they are undone. */
  static List<long[]> lossWindows(History history, Duration ttl) {
    List<long[]> windows = new ArrayList<>();
    for (FaultWindow fault : history.faults()) {
      if (fault.kind().losesRedisData()) {
        windows.add(new long[] {fault.start(), fault.end()});
      } else if (fault.kind().isRedisClock()) {
        long end = fault.end() == Long.MAX_VALUE ? Long.MAX_VALUE : fault.end() + ttl.toNanos();
        windows.add(new long[] {fault.start(), end});
      }
    }
    return windows;
  }

  /** One step of the model and the operation it stands for. */
  private record Modelled(Operation op, Step step) { }

  /*
   * The model's steps for a lock. Besides each operation's own step, every acquire that reported anything but an
   * unknown outcome contributes an unknown acquire at its invoke: a retried attempt repeats the request id, so an
   * earlier attempt whose answer was lost may have been granted, held the lock for a TTL (making others busy) and
   * expired, whatever the last attempt then answered.
   */
  private static List<Modelled> steps(List<Operation> ops) {
    List<Modelled> steps = new ArrayList<>();
    for (Operation op : ops) {
      if (op.op() == Op.ACQUIRE && !op.isInfo()) {
        steps.add(new Modelled(op, new Step(Kind.ACQUIRE_UNKNOWN, op.owner(), 0, op.invoke(), op.invoke())));
      }
      // An operation of unknown outcome is taken at its invoke; the model defers its effect (FencedMutexModel).
      long complete = op.isOk() || op.op() == Op.ACQUIRE && !op.isInfo() ? op.complete() : op.invoke();
      steps.add(new Modelled(op, new Step(kind(op), op.owner(), op.token(), op.invoke(), complete)));
    }
    return steps;
  }

  private WglSearch.Result<Set<State>> search(FencedMutexModel model, List<Modelled> steps) {
    int n = steps.size();
    long[] invoke = new long[n];
    long[] complete = new long[n];
    for (int i = 0; i < n; i++) {
      invoke[i] = steps.get(i).step().invoke();
      complete[i] = steps.get(i).step().complete();
    }
    WglSearch<Set<State>> search = new WglSearch<>(invoke, complete, (states, i) -> {
      Set<State> next = model.step(states, steps.get(i).step());
      return next.isEmpty() ? null : next;
    }, budget);
    return search.run(Set.of(State.initial()));
  }


  /**
   * The operations the model constrains: acquires, successful renewals, and every release. A failed release
   * counts as one of unknown outcome: when its first attempt was ambiguous, a "not owner" on the retry cannot
   * tell "that attempt released it" from "it was already gone", so a client may report failure for a release
   * that happened. Failed and unknown renewals could only extend a lease, which never explains anything.
   */
  static List<Operation> modelled(List<Operation> ops) {
    List<Operation> kept = new ArrayList<>();
    for (Operation op : ops) {
      if (op.op() == Op.ACQUIRE || op.op() == Op.RELEASE || op.op() == Op.RENEW && op.isOk()) {
        kept.add(op);
      }
    }
    return kept;
  }

  private static Kind kind(Operation op) {
    return switch (op.op()) {
      case ACQUIRE -> op.isOk() ? Kind.ACQUIRE_OK : op.isInfo() ? Kind.ACQUIRE_UNKNOWN : Kind.ACQUIRE_FAIL;
      case RELEASE -> op.isOk() ? Kind.RELEASE_OK : Kind.RELEASE_UNKNOWN;
      case RENEW -> Kind.RENEW_OK;
      default -> throw new IllegalArgumentException(op.op().toString());
    };
  }

  private static List<String> counterexample(String lock, List<Operation> ops, Operation stuck,
      WglSearch.Result<Set<State>> result) {
    List<String> lines = new ArrayList<>();
    lines.add("no linearization of " + lock + " exists: after " + result.linearized()
        + " operations the search could not place this one:");
    lines.add("  " + stuck);
    lines.add("  model states there: " + result.statesThere());
    lines.add("  operations overlapping it (the culprit may be an earlier one that C5 names):");
    long end = stuck.ended();
    ops.stream().filter(op -> op != stuck && op.invoke() <= end && op.ended() >= stuck.invoke())
        .limit(12).forEach(op -> lines.add("    " + op));
    return lines;
  }
}
