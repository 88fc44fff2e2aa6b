package io.holdfast.shedlock;

import io.holdfast.HoldfastException;
import io.holdfast.Lease;
import java.time.Duration;
import java.util.Optional;
import net.javacrumbs.shedlock.core.AbstractSimpleLock;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One held ShedLock lock: one Holdfast lease taken without renewal. AbstractSimpleLock makes unlock and extend
 * single-use (a second call throws), so each lease is released or handed on exactly once. An extension re-enters the
 * grant under the same owner (same fencing token, TTL raised to at least the new lockAtMostFor) and then gives the
 * old hold back, so the new lock's one release frees the lock; a re-entry that comes back with another token means
 * the old grant had expired and someone may have held the lock since, so that fresh grant is given back at once.
 */
final class HoldfastSimpleLock extends AbstractSimpleLock {
  private static final Logger log = LoggerFactory.getLogger(HoldfastSimpleLock.class);

  private final HoldfastLockProvider provider;
  private final Lease lease;

  HoldfastSimpleLock(HoldfastLockProvider provider, LockConfiguration configuration, Lease lease) {
    super(configuration);
    this.provider = provider;
    this.lease = lease;
  }

  @Override
  protected void doUnlock() {
    Duration keep = Duration.between(ClockProvider.now(), lockConfiguration.getLockAtLeastUntil());
    if (keep.isNegative() || keep.isZero()) {
      release(lease);
    } else {
      provider.releaseLater(keep, () -> release(lease));
    }
  }

  @Override
  protected Optional<SimpleLock> doExtend(LockConfiguration extended) {
    if (!lease.isValid()) {
      return Optional.empty();
    }
    Optional<Lease> next = provider.holdfast().tryAcquire(provider.request(extended).withOwner(lease.owner()));
    if (next.isEmpty()) {
      return Optional.empty();
    }
    if (!next.get().fencingToken().equals(lease.fencingToken())) {
      release(next.get());
      return Optional.empty();
    }
    release(lease);
    return Optional.of(new HoldfastSimpleLock(provider, extended, next.get()));
  }

  private static void release(Lease held) {
    try {
      held.release();
    } catch (HoldfastException e) {
      log.warn("ShedLock {} was not held at unlock (the task may have overlapped another run): {}",
          HoldfastLockProvider.describe(held), e.getMessage());
    }
  }
}
