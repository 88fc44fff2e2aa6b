package io.holdfast.verify;

import java.util.Map;
import java.util.stream.Collectors;

/*
 * Which fault, if any, explains that a lease ended in Redis before its holder's local deadline: one that can lose
 * leases (redis-wipe, failover, redis-clock; FaultKind.explainsOverlap) and was active between the grant and the
 * moment the lock was taken over: it began no later than the takeover and ended no more than a TTL before the
 * grant began (a lease granted longer ago had expired anyway). Shared by C3 and C5, so both explain the same
 * cases, and they can say by which kind.
 */
final class LeaseLoss {
  private LeaseLoss() { }

  /** The kind of the first fault that explains the loss, or null. */
  static FaultKind explaining(History history, long grantInvoke, long takenOverAt, long ttlNanos) {
    return history.faults().stream()
        .filter(f -> f.kind().explainsOverlap() && f.start() <= takenOverAt && f.end() + ttlNanos >= grantInvoke)
        .map(FaultWindow::kind).findFirst().orElse(null);
  }

  /** "failover 3, redis-wipe 2", or "none". */
  static String byKind(Map<FaultKind, Long> counts) {
    return counts.isEmpty() ? "none" : counts.entrySet().stream()
        .map(e -> e.getKey().cliName() + " " + e.getValue()).collect(Collectors.joining(", "));
  }
}
