package io.holdfast;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One hold of a lock, returned by a successful acquire. Close it (try-with-resources) or call
 * {@link #release()} exactly once when done.
 *
 * <p><b>Validity.</b> The backend (Redis) times the lease; this object keeps a conservative local view of it
 * on the monotonic clock: the deadline is counted from when the acquire (or the last renewal) request was
 * <em>sent</em>, minus a drift allowance, so the local view ends before the backend's. A wall clock set
 * minutes off changes nothing here. {@link #isValid()} turns false at that deadline, on release, or when the
 * lease is known to be lost.
 *
 * <p><b>Renewal.</b> With automatic renewal (the default) Holdfast renews the lease in batched background calls
 * until it is released; if renewal finds another owner, or cannot confirm the lease before its deadline, the
 * lease is marked lost and the {@link LeaseLostListener} fires. Writes guarded by the lease should still carry
 * {@link #fencingToken()} to the resource, because no lease can tell its holder of a loss in time if the holder
 * itself is paused.
 *
 * <p><b>Re-entry.</b> Acquiring again with the same owner returns a further {@code Lease} for the same grant,
 * with the same fencing token and a hold count one higher; each must be released. The lock is free again
 * only when the last hold is released.
 *
 * <p>A lease may be used from any thread.
 */
public interface Lease extends AutoCloseable {
  /**
   * The lock this lease holds.
   *
   * @return never null
   */
  LockName name();

  /**
   * The owner that holds it.
   *
   * @return never null
   */
  OwnerToken owner();

  /**
   * The fencing token of this grant: larger than that of every earlier grant of the lock.
   *
   * @return never null
   */
  FencingToken fencingToken();

  /**
   * The owner's hold count right after this hold was granted (1 for a first acquire).
   *
   * @return at least 1
   */
  int holdCount();

  /**
   * When the lease was granted, by the client's wall clock. For display only: nothing decides validity by it.
   *
   * @return never null
   */
  Instant acquiredAt();

  /**
   * The lease TTL the backend applies at each grant and renewal.
   *
   * @return never null
   */
  Duration leaseTtl();

  /**
   * Whether the holder may still rely on the lease: not released, not known lost, and the local monotonic
   * deadline not passed.
   *
   * @return true while valid
   */
  boolean isValid();

  /**
   * How long the lease stays valid by the local monotonic view, zero once it is not valid.
   *
   * @return never negative
   */
  Duration remainingValidity();

  /**
   * Releases this hold. When it is the owner's last hold the lock becomes free and waiters are woken at once.
   * Transient backend errors are retried (the release is token-checked, so repeating it is safe).
   *
   * <p>The backend is always asked, whatever the local view: a lease this client already reported lost (for
   * example {@link LeaseLostReason#UNCONFIRMED} while Redis was unreachable) may still be held in the backend, and
   * then the release deletes it at once instead of leaving it to block others until its TTL. The answer decides
   * the outcome: when the backend still held the grant under this owner and fencing token the release succeeds
   * (nobody else can have held the lock meanwhile); when it did not, {@link LeaseLostException}.
   *
   * @throws LeaseLostException when the backend no longer held the lease for this owner and token (nothing was
   *     changed in the backend), or when the lease had already been reported lost and the backend stayed
   *     unreachable (the lease then ends at its TTL; the backend failure is attached as suppressed)
   * @throws BackendUnavailableException when the backend stayed unreachable; the lease then ends at its TTL
   * @throws HoldfastException with {@link ErrorCode#INVALID_ARGUMENT} when this hold was already released
   */
  void release();

  /**
   * Asynchronous {@link #release()}; the future fails with the same exceptions.
   *
   * @return completes when the backend confirmed the release
   */
  CompletableFuture<Void> releaseAsync();

  /**
   * Extends the lease to a full {@link #leaseTtl()} from now, as timed by the backend.
   *
   * @throws LeaseLostException when the lease is no longer this owner's; nothing was changed
   * @throws BackendUnavailableException when the backend stayed unreachable
   * @throws InvalidArgumentException when {@link #release()} was already called on this hold, whatever it answered
   */
  void renew();

  /**
   * Asynchronous {@link #renew()}.
   *
   * @return completes when the backend confirmed the renewal
   */
  CompletableFuture<Void> renewAsync();

  /**
   * Releases the hold unless it was released already, so that try-with-resources and an explicit release can be
   * combined.
   *
   * @throws LeaseLostException when the backend no longer held the lease (as for {@link #release()}): the
   *     guarded work may not have been exclusive
   */
  @Override
  void close();
}
