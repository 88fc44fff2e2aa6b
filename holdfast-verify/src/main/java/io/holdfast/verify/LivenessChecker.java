package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/*
 * C6, liveness after a holder dies: when a client holding a lock is killed or frozen at time K, the next grant of
 * that lock must complete by K + TTL + lock-delay + slack. Redis expires the dead holder's lease at most one TTL
 * after its last renewal (sent before K), and a waiter re-checks no later than the holder's remaining TTL; the
 * slack covers scheduling and one round trip. Holdfast has no lock-delay (0).
 *
 * A case is judged only when it is clean: another client was waiting for the lock when the lease ran out, and no
 * other fault was active from one TTL before K until the deadline (a Redis pause or a cut would legitimately delay
 * the takeover). Judged cases give the takeover latency percentiles of the report (on time only), and the
 * distribution of the delay after TTL + lock-delay over every judged case that was granted again, late ones
 * included, which is what tells a liveness gap from scheduling noise. The delay is negative when the takeover came
 * before K + TTL + lock-delay (the dead holder's last renewal was sent before K).
 */
final class LivenessChecker implements Checker {
  private final Duration ttl;
  private final Duration lockDelay;
  private final Duration slack;

  LivenessChecker(Duration ttl, Duration lockDelay, Duration slack) {
    this.ttl = ttl;
    this.lockDelay = lockDelay;
    this.slack = slack;
  }

  @Override
  public CheckResult check(History history) {
    long bound = ttl.plus(lockDelay).plus(slack).toNanos();
    long expected = ttl.plus(lockDelay).toNanos();
    List<Long> latencies = new ArrayList<>();
    List<Long> delays = new ArrayList<>();
    long violations = 0;
    List<String> first = List.of();
    Map<String, Long> releases = releaseInvokes(history);
    Map<String, List<Operation>> grantsByClient = new HashMap<>();
    for (Operation grant : history.grants()) {
      grantsByClient.computeIfAbsent(grant.client(), c -> new ArrayList<>()).add(grant);
    }
    for (FaultWindow fault : history.faults()) {
      if (!fault.kind().stopsHolder() || !clean(history, fault, bound)) {
        continue;
      }
      List<Operation> ofClient = grantsByClient.getOrDefault(fault.target(), List.of());
      for (Operation held : heldAt(ofClient, releases, fault.start())) {
        Operation next = nextGrant(history, held, fault.start());
        if (!waiterPending(history, held, fault.start() + ttl.toNanos(), next)) {
          continue;
        }
        long deadline = fault.start() + bound;
        long latency = next == null ? Long.MAX_VALUE : next.complete() - fault.start();
        if (next == null && history.end() < deadline) {
          continue;
        }
        if (next != null) {
          delays.add(latency - expected);
        }
        if (latency > bound) {
          violations++;
          first = first.isEmpty() ? List.of(String.format("after %s, %s was not granted again within %s:",
              fault, held.lock(), Stats.millis(bound)), "  held: " + held, "  next: " + next) : first;
        } else {
          latencies.add(latency);
        }
      }
    }
    long[] sorted = Stats.sorted(latencies);
    long[] sortedDelays = Stats.sorted(delays);
    String summary = String.format("%d late of %d judged takeovers (bound %s = TTL + lock-delay %s + slack %s);"
        + " takeover latency p50 %s, p99 %s, max %s; delay after TTL + lock-delay, late included (%d granted"
        + " again): p50 %s, p99 %s, max %s", violations, violations + sorted.length,
        Stats.millis(bound), Stats.millis(lockDelay.toNanos()), Stats.millis(slack.toNanos()),
        Stats.millis(Stats.percentile(sorted, 50)), Stats.millis(Stats.percentile(sorted, 99)),
        Stats.millis(sorted.length == 0 ? 0 : sorted[sorted.length - 1]), sortedDelays.length,
        Stats.millis(Stats.percentile(sortedDelays, 50)), Stats.millis(Stats.percentile(sortedDelays, 99)),
        Stats.millis(sortedDelays.length == 0 ? 0 : sortedDelays[sortedDelays.length - 1]));
    return new CheckResult("C6", "liveness after a holder dies", violations, summary, first, false);
  }

  private boolean clean(History history, FaultWindow fault, long bound) {
    long from = fault.start() - ttl.toNanos();
    long to = fault.start() + bound;
    return history.faults().stream().noneMatch(other -> other != fault && other.overlaps(from, to));
  }

  /** Of one client's grants, those held at time {@code at}: completed, and no release begun by then. */
  private static List<Operation> heldAt(List<Operation> grants, Map<String, Long> releases, long at) {
    List<Operation> held = new ArrayList<>();
    for (Operation grant : grants) {
      if (grant.complete() <= at
          && releases.getOrDefault(key(grant), Long.MAX_VALUE) > at) {
        held.add(grant);
      }
    }
    return held;
  }

  /** When each grant's first release began. */
  private static Map<String, Long> releaseInvokes(History history) {
    Map<String, Long> releases = new HashMap<>();
    for (Operation op : history.operations()) {
      if (op.op() == Op.RELEASE) {
        releases.merge(key(op), op.invoke(), Math::min);
      }
    }
    return releases;
  }

  private static String key(Operation op) {
    return op.lock() + "/" + op.owner() + "/" + op.token();
  }

  private static Operation nextGrant(History history, Operation held, long after) {
    Operation next = null;
    for (Operation op : history.byLock().get(held.lock())) {
      if (op.op() == Op.ACQUIRE && op.isOk() && op.token() > held.token() && op.complete() > after
          && (next == null || op.complete() < next.complete())) {
        next = op;
      }
    }
    return next;
  }

  /** Whether another client's acquire of the lock was waiting when the lease ran out. */
  private static boolean waiterPending(History history, Operation held, long expiry, Operation next) {
    return history.byLock().get(held.lock()).stream().anyMatch(op -> op.op() == Op.ACQUIRE
        && !op.client().equals(held.client()) && op.invoke() <= expiry
        && (op.ended() > expiry || op == next));
  }
}
