package io.holdfast.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The referee of one lock's grants in a benchmark run: it counts concurrent holders (more than one breaks
 * exclusion) and, for contenders with fencing, reports a grant whose token is not larger than every earlier
 * grant's (tokens strictly increase over grants; equal is a reused token). It judges grants, not writes: the
 * write-side rule, a resource refusing a token lower than the highest it accepted, is the library's
 * {@link io.holdfast.FenceGuard}. Every grant of every workload passes through one of these.
 *
 * <p>The holder must call {@link #releasing()} before it sends its release, so the next grant cannot be seen
 * before the count went down.
 */
final class GrantReferee {
  private final String contender;
  private final String lock;
  private final boolean fencing;
  private final Violations violations;
  private final AtomicInteger holders = new AtomicInteger();
  private final AtomicLong lastToken = new AtomicLong(Long.MIN_VALUE);

  GrantReferee(Contender contender, String lock, Violations violations) {
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
