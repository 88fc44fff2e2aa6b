package io.holdfast.cli;

import io.holdfast.FenceGuard;
import io.holdfast.FencingToken;
import io.holdfast.Lease;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/*
 * The shared resource the demo's nodes write to, and the referee of the run.
 *
 * As a resource it does what a fencing-aware store does, with the library's FenceGuard per lock: it keeps the
 * highest fencing token it has accepted and refuses a write carrying a lower one (a stale write from a holder
 * whose lease is gone). Those refusals are expected; they are fencing at work and are only counted.
 *
 * As a referee it counts three kinds of violation, each of which means the lock itself failed:
 *  (a) duplicate token: two different owners were granted the same token for one lock;
 *  (b) valid lease fenced: a write was refused although the writer's lease reported itself valid both just
 *      before and just after it, so two leases that both believed themselves valid overlapped;
 *  (c) token not above released: a grant whose token is at or below a token of the same lock that had been
 *      granted and released before this acquire started.
 * For (c) the caller reads releasedWatermark() before it calls acquire and hands the value to granted(): a
 * release that completes while the acquire is in flight may legitimately have a higher token (the backend can
 * grant us, expire us and grant someone else before our thread records its own grant).
 *
 * Thread-safety: each lock has its own Ledger whose methods are synchronized, so the check and the update of
 * one write or grant are atomic with respect to each other; counters are LongAdders.
 */
final class FencedResource {
  /*
   * Grants remembered per lock for detecting duplicates. Tokens only grow, so a duplicate of a recent grant is
   * what a broken backend would produce; one of an older grant is also at or below the released watermark and
   * is caught by check (c). The bound keeps a long run's memory flat.
   */
  static final int RECENT_GRANTS = 4096;

  private final Map<LockName, Ledger> ledgers = new ConcurrentHashMap<>();
  private final LongAdder staleWritesRejected = new LongAdder();
  private final LongAdder writesAccepted = new LongAdder();
  private final LongAdder duplicateTokens = new LongAdder();
  private final LongAdder validLeaseFenced = new LongAdder();
  private final LongAdder tokenNotAboveReleased = new LongAdder();

  /** The highest token of {@code lock} whose release has completed; 0 when none. Read before acquiring. */
  long releasedWatermark(LockName lock) {
    return ledger(lock).releasedWatermark();
  }

  /**
   * Records a grant and checks it against violations (a) and (c).
   *
   * @param releasedBeforeAcquire {@link #releasedWatermark(LockName)} as read before the acquire started
   * @return true when the grant broke neither rule
   */
  boolean granted(LockName lock, OwnerToken owner, FencingToken token, long releasedBeforeAcquire) {
    boolean ok = true;
    if (!ledger(lock).recordGrant(token.value(), owner)) {
      duplicateTokens.increment();
      ok = false;
    }
    if (token.value() <= releasedBeforeAcquire) {
      tokenNotAboveReleased.increment();
      ok = false;
    }
    return ok;
  }

  /**
   * One write guarded by {@code lease}, carrying its fencing token; checks violation (b).
   *
   * @return true when accepted, false when refused as stale
   */
  boolean write(Lease lease) {
    boolean validBefore = lease.isValid();
    boolean accepted = ledger(lease.name()).accept(lease.fencingToken());
    boolean validAfter = lease.isValid();
    if (accepted) {
      writesAccepted.increment();
      return true;
    }
    staleWritesRejected.increment();
    if (validBefore && validAfter) {
      validLeaseFenced.increment();
    }
    return false;
  }

  /** Records that the release of {@code lease} completed successfully. */
  void released(Lease lease) {
    ledger(lease.name()).released(lease.fencingToken().value());
  }

  long staleWritesRejected() {
    return staleWritesRejected.sum();
  }

  long writesAccepted() {
    return writesAccepted.sum();
  }

  long duplicateTokens() {
    return duplicateTokens.sum();
  }

  long validLeaseFenced() {
    return validLeaseFenced.sum();
  }

  long tokenNotAboveReleased() {
    return tokenNotAboveReleased.sum();
  }

  long violations() {
    return duplicateTokens() + validLeaseFenced() + tokenNotAboveReleased();
  }

  private Ledger ledger(LockName lock) {
    return ledgers.computeIfAbsent(lock, name -> new Ledger());
  }

  /* What the resource knows about one lock. */
  private static final class Ledger {
    private final FenceGuard guard = new FenceGuard();
    private long highestReleased;
    private final Map<Long, OwnerToken> recentGrants = new LinkedHashMap<>() {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, OwnerToken> eldest) {
        return size() > RECENT_GRANTS;
      }
    };

    boolean accept(FencingToken token) {
      return guard.admit(token); // the library's fence rule, as the demo's users would apply it
    }

    /* False when another owner already holds a grant with this token. */
    synchronized boolean recordGrant(long token, OwnerToken owner) {
      OwnerToken previous = recentGrants.putIfAbsent(token, owner);
      return previous == null || previous.equals(owner);
    }

    synchronized void released(long token) {
      highestReleased = Math.max(highestReleased, token);
    }

    synchronized long releasedWatermark() {
      return highestReleased;
    }
  }
}
