package io.holdfast;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What to acquire, for whom, for how long, and how long to wait. Build one with {@link #of(String, Duration)} and
 * the {@code with...} methods; every instance is validated when it is made.
 *
 * @param name the lock
 * @param owner who will hold it; the same owner re-enters a lock it holds (hold count + 1, same fencing token)
 * @param leaseTtl how long the backend keeps the lease without renewal; timed by Redis, never by a client clock
 * @param waitTimeout how long to wait for a held lock: {@link Duration#ZERO} tries once, {@link #WAIT_FOREVER}
 *     waits until granted
 * @param autoRenew whether Holdfast renews the lease in the background until it is released
 * @param leaseLostListener told when the lease is lost while held; never null (use {@link #NO_LISTENER})
 * @param fair whether waiters are granted in arrival order ({@link #withFair(boolean)}); false for the plain lock
 */
public record AcquireRequest(
    LockName name,
    OwnerToken owner,
    Duration leaseTtl,
    Duration waitTimeout,
    boolean autoRenew,
    LeaseLostListener leaseLostListener,
    boolean fair) {

  /** The shortest lease accepted: shorter ones cannot be renewed reliably over a network. */
  public static final Duration MIN_TTL = Duration.ofMillis(10);
  /** The longest lease accepted: longer ones usually mean a forgotten lock, not a long job (use renewal). */
  public static final Duration MAX_TTL = Duration.ofDays(7);
  /** A wait without end: {@code acquire} blocks until the lock is granted, the call is interrupted or fails. */
  public static final Duration WAIT_FOREVER = ChronoUnit.FOREVER.getDuration();
  /** A listener that ignores the loss (the default). */
  public static final LeaseLostListener NO_LISTENER = (lease, reason) -> { };

  /**
   * Validates the request.
   *
   * @throws InvalidArgumentException when a field is missing, the TTL is outside [{@link #MIN_TTL},
   *     {@link #MAX_TTL}] or the wait is negative
   */
  public AcquireRequest {
    require(name, "lock name");
    require(owner, "owner");
    require(leaseTtl, "lease TTL");
    require(waitTimeout, "wait timeout");
    require(leaseLostListener, "lease-lost listener");
    if (leaseTtl.compareTo(MIN_TTL) < 0 || leaseTtl.compareTo(MAX_TTL) > 0) {
      throw new InvalidArgumentException(
          "lease TTL must be between " + MIN_TTL.toMillis() + " ms and " + MAX_TTL.toDays() + " days, was "
              + leaseTtl + " for lock '" + name + "'");
    }
    if (waitTimeout.isNegative()) {
      throw new InvalidArgumentException("wait timeout must not be negative, was " + waitTimeout
          + " for lock '" + name + "'");
    }
  }

  /**
   * A request for the plain (not fair) lock.
   *
   * @throws InvalidArgumentException as the canonical constructor
   */
  public AcquireRequest(LockName name, OwnerToken owner, Duration leaseTtl, Duration waitTimeout, boolean autoRenew,
      LeaseLostListener leaseLostListener) {
    this(name, owner, leaseTtl, waitTimeout, autoRenew, leaseLostListener, false);
  }

  /**
   * A request for {@code name} by a fresh random owner, waiting forever, with automatic renewal.
   *
   * @param name the lock name (validated as a {@link LockName})
   * @param leaseTtl the lease TTL
   * @return the request
   * @throws InvalidArgumentException when the name or TTL is invalid
   */
  public static AcquireRequest of(String name, Duration leaseTtl) {
    return new AcquireRequest(LockName.of(name), OwnerToken.random(), leaseTtl, WAIT_FOREVER, true, NO_LISTENER);
  }

  /**
   * The same request for another owner, for example {@code lease.owner()} to re-enter a held lock.
   *
   * @param newOwner the owner
   * @return a new request
   */
  public AcquireRequest withOwner(OwnerToken newOwner) {
    return new AcquireRequest(name, newOwner, leaseTtl, waitTimeout, autoRenew, leaseLostListener, fair);
  }

  /**
   * The same request with another wait: {@link Duration#ZERO} tries once.
   *
   * @param newWait how long to wait
   * @return a new request
   */
  public AcquireRequest withWait(Duration newWait) {
    return new AcquireRequest(name, owner, leaseTtl, newWait, autoRenew, leaseLostListener, fair);
  }

  /**
   * The same request without automatic renewal: the lease ends at its TTL unless renewed by hand. At its local
   * validity deadline {@link Lease#isValid()} turns false and the lease-lost listener is told
   * {@link LeaseLostReason#EXPIRED}, as for any other loss.
   *
   * @return a new request
   */
  public AcquireRequest withoutAutoRenew() {
    return new AcquireRequest(name, owner, leaseTtl, waitTimeout, false, leaseLostListener, fair);
  }

  /**
   * The same request with a listener for lease loss.
   *
   * @param listener called once if the lease is lost while held
   * @return a new request
   */
  public AcquireRequest onLeaseLost(LeaseLostListener listener) {
    return new AcquireRequest(name, owner, leaseTtl, waitTimeout, autoRenew, listener, fair);
  }

  /**
   * The same request in the fair mode of the lock ({@code true}) or the plain mode ({@code false}, the default).
   *
   * <p>Fair mode: waiters are granted the lock in the order they arrived, as the backend saw their first busy
   * attempt (Redis orders them; no client clock is involved), and nobody passes a live waiter ahead of it, not
   * even a newcomer that finds the lock free. A waiter keeps its place in line while it keeps attempting (every
   * re-check, at least every {@link HoldfastOptions#recheckInterval()}); a waiter that stopped (crashed,
   * partitioned, gave up) loses its place at most twice the re-check interval after its last attempt, so a dead
   * waiter delays the line by at most that. A release wakes only the waiter at the head of the line. Re-entry,
   * fencing tokens (from the same counter as the plain lock), renewal, lease-lost signals and release are exactly
   * those of the plain lock, and a released fair lock with nobody in line leaves nothing in Redis.
   *
   * <p>The order holds among fair requests: a plain request for the same name does not look at the line and may
   * pass it, so use one mode per lock name. A fair request with a zero wait takes no place in line but still does
   * not pass anyone in it. On independent masters ({@code redis-quorum://}) each master keeps its own line and every
   * waiter's place is settled over a majority of them (docs/fair-lock.md), so the same order holds; a backend
   * without a fair mode fails the acquire with {@link InvalidArgumentException}, never serving it as a plain one.
   *
   * @param newFair true for the fair mode
   * @return a new request
   */
  public AcquireRequest withFair(boolean newFair) {
    return new AcquireRequest(name, owner, leaseTtl, waitTimeout, autoRenew, leaseLostListener, newFair);
  }

  /**
   * Whether this request waits without end.
   *
   * @return true for {@link #WAIT_FOREVER}
   */
  public boolean waitsForever() {
    return waitTimeout.equals(WAIT_FOREVER);
  }

  private static void require(Object value, String what) {
    if (value == null) {
      throw new InvalidArgumentException(what + " must not be null");
    }
  }
}
