package io.holdfast.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The resource one lock protects, as a fencing-aware resource would see it: it counts concurrent holders
 * (more than one breaks exclusion) and, for contenders with fencing, refuses a token not larger than the last
 * one it accepted. Every grant of every workload passes through one of these.
 *
 * <p>The holder must call {@link #releasing()} before it sends its release, so the next grant cannot be seen
 * before the count went down.
 */
final class FenceGuard {
  private final String contender;
  private final String lock;
  private final boolean fencing;
  private final Violations violations;
  private final AtomicInteger holders = new AtomicInteger();
  private final AtomicLong lastToken = new AtomicLong(Long.MIN_VALUE);

  FenceGuard(Contender contender, String lock, Violations violations) {
    this.contender = contender.name();
    this.lock = lock;
    this.fencing = contender.fencing();
    this.violations = violations;
  }

  void granted(long token) {
    int now = holders.incrementAndGet();
    if (now != 1) {
      violations.report(contender + ": lock '" + lock + "' granted while " + (now - 1) + " other holder(s) held it");
    }
    if (fencing) {
      long previous = lastToken.getAndAccumulate(token, Math::max);
      if (token <= previous) {
        violations.report(contender + ": lock '" + lock + "' granted with fencing token " + token
            + ", not above the last accepted " + previous);
      }
    }
  }

  void releasing() {
    holders.decrementAndGet();
  }
}
