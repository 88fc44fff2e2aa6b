package io.holdfast.verify;

import io.holdfast.LeaseLostReason;
import io.holdfast.verify.Event.Op;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/*
 * C5, no success after loss: a renew or release of grant (lock, token) must not succeed if, before it was even
 * invoked, (a) a grant of that lock with a larger token had completed (the lease was gone for good: tokens only
 * grow, and renew/release check the token), (b) the grant had already been released successfully, or (c) Redis
 * had answered NOT_OWNER for it, or the lock service that the lease's session was lost (a lease-lost
 * notification with that reason): succeeding after that means the lease came back, a resurrection. All three
 * compare a completion with a later invoke, so clock-mapping widening keeps them sound.
 *
 * A success under (a) is "explained" when a fault that can end a lease in Redis before its holder's local deadline
 * (redis-wipe, failover, redis-clock; see LeaseLoss) began before the larger grant and ended less than a TTL
 * before the grant succeeded: then the lease was lost to data loss, which no client can see (a release whose
 * ambiguous first attempt is followed by "not owner" is reported released when the lease was valid when it
 * began). Explained cases are reported, like C3's, but not counted; every other case is.
 */
final class StaleSuccessChecker implements Checker {
  private final long ttlNanos;

  StaleSuccessChecker(java.time.Duration ttl) {
    this.ttlNanos = ttl.toNanos();
  }

  @Override
  public CheckResult check(History history) {
    Map<String, long[][]> supersession = supersession(history);
    Map<String, Long> grantedAt = new HashMap<>();
    history.grants().forEach(g -> grantedAt.merge(key(g), g.invoke(), Math::min));
    Map<String, Long> released = new HashMap<>();
    Map<String, Long> notOwner = notOwnerNotices(history);
    List<Operation> successes = new ArrayList<>();
    for (Operation op : history.operations()) {
      if ((op.op() == Op.RENEW || op.op() == Op.RELEASE) && op.isOk()) {
        successes.add(op);
        if (op.op() == Op.RELEASE) {
          released.merge(key(op), op.complete(), Math::min);
        }
      }
    }
    long violations = 0;
    Map<FaultKind, Long> explained = new EnumMap<>(FaultKind.class);
    List<String> first = List.of();
    for (Operation op : successes) {
      long[][] superseded = supersession.get(op.lock());
      String problem = problem(op, superseded, released.get(key(op)), notOwner.get(key(op)));
      if (problem == null) {
        continue;
      }
      long supersededAt = earliestLargerGrant(superseded, op.token());
      FaultKind cause = supersededAt < op.invoke()
          ? LeaseLoss.explaining(history, grantedAt.getOrDefault(key(op), 0L), supersededAt, ttlNanos) : null;
      if (cause != null) {
        explained.merge(cause, 1L, Long::sum);
        continue;
      }
      violations++;
      first = first.isEmpty() ? List.of(problem, "  " + op) : first;
    }
    String summary = String.format("%d violations in %d successful renewals and releases", violations,
        successes.size()) + (explained.isEmpty() ? "" : String.format(" (and %d after leases lost to faults,"
        + " not counted: %s)", explained.values().stream().mapToLong(Long::longValue).sum(),
        LeaseLoss.byKind(explained)));
    return new CheckResult("C5", "no success after loss, no resurrection", violations, summary, first, true);
  }

  private static String problem(Operation op, long[][] superseded, Long releasedAt, Long notOwnerAt) {
    long supersededAt = earliestLargerGrant(superseded, op.token());
    if (supersededAt < op.invoke()) {
      return String.format("%s of token %d succeeded though a grant with a larger token completed at %.3f ms,"
          + " before it began:", op.op().name().toLowerCase(), op.token(), supersededAt / 1e6);
    }
    if (releasedAt != null && releasedAt < op.invoke()) {
      return String.format("%s of token %d succeeded after the grant was released at %.3f ms:",
          op.op().name().toLowerCase(), op.token(), releasedAt / 1e6);
    }
    if (notOwnerAt != null && notOwnerAt < op.invoke()) {
      return String.format("%s of token %d succeeded after the backend had answered NOT_OWNER or SESSION_LOST for it"
          + " at %.3f ms (a resurrected lease):", op.op().name().toLowerCase(), op.token(), notOwnerAt / 1e6);
    }
    return null;
  }

  /**
   * Per lock: row 0 the granted tokens ascending, row 1 for each index the earliest completion among the grants
   * from that index on (so, for a token, the earliest moment a larger one had been granted).
   */
  private static Map<String, long[][]> supersession(History history) {
    Map<String, List<Operation>> byLock = new HashMap<>();
    history.grants().forEach(g -> byLock.computeIfAbsent(g.lock(), k -> new ArrayList<>()).add(g));
    Map<String, long[][]> result = new HashMap<>();
    byLock.forEach((lock, grants) -> {
      grants.sort(Comparator.comparingLong(Operation::token));
      long[] tokens = new long[grants.size()];
      long[] earliestFrom = new long[grants.size()];
      long earliest = Long.MAX_VALUE;
      for (int i = grants.size() - 1; i >= 0; i--) {
        tokens[i] = grants.get(i).token();
        earliest = Math.min(earliest, grants.get(i).complete());
        earliestFrom[i] = earliest;
      }
      result.put(lock, new long[][] {tokens, earliestFrom});
    });
    return result;
  }

  /** The earliest completion of a grant with a token strictly larger than {@code token}. */
  private static long earliestLargerGrant(long[][] table, long token) {
    if (table == null) {
      return Long.MAX_VALUE;
    }
    long[] tokens = table[0];
    int low = 0;
    int high = tokens.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (tokens[mid] <= token) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low < tokens.length ? table[1][low] : Long.MAX_VALUE;
  }

  private static Map<String, Long> notOwnerNotices(History history) {
    Map<String, Long> notices = new HashMap<>();
    for (Event lost : history.lost()) {
      if (lost.note().equals(LeaseLostReason.NOT_OWNER.name())
          || lost.note().equals(LeaseLostReason.SESSION_LOST.name())) {
        notices.merge(lost.lock() + "/" + lost.owner() + "/" + lost.token(), lost.time(), Math::min);
      }
    }
    return notices;
  }

  private static String key(Operation op) {
    return op.lock() + "/" + op.owner() + "/" + op.token();
  }
}
