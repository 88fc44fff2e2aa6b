package io.holdfast;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Something leases are acquired from under one name: a side of a {@link ReadWriteLock} or a {@link Semaphore}.
 * Its leases are {@link Lease}s like the plain lock's: timed by the backend, renewed in the client's renewal
 * batch, reported lost through their {@link LeaseLostListener}, each with a fencing token, owned by an
 * {@link OwnerToken} (not a thread). Waiting wakes on the backend's release messages, with the same bounded
 * re-check as the plain lock.
 *
 * <p>The {@link AcquireRequest} forms take every option of the plain lock (owner, wait, automatic renewal,
 * listener); the request's name must be this source's {@link #name()} ({@link #request(Duration)} makes one).
 */
public interface LeaseSource {

  /**
   * The name the leases are held under.
   *
   * @return never null
   */
  LockName name();

  /**
   * A request for this source's name by a fresh random owner, waiting forever, with automatic renewal.
   *
   * @param leaseTtl the lease TTL
   * @return the request, to refine with {@code withOwner}, {@code withWait} and so on
   * @throws InvalidArgumentException on a bad TTL
   */
  default AcquireRequest request(Duration leaseTtl) {
    return AcquireRequest.of(name().value(), leaseTtl);
  }

  /**
   * Acquires for a fresh owner, waiting as long as it takes, with automatic renewal.
   *
   * @param leaseTtl how long the backend keeps the lease between renewals
   * @return the lease
   * @throws BackendUnavailableException when the backend stays unreachable past the retry budget
   * @throws HoldfastException with {@link ErrorCode#INTERRUPTED} when interrupted (the flag is set again)
   */
  default Lease acquire(Duration leaseTtl) {
    return acquire(request(leaseTtl));
  }

  /**
   * Acquires as the request says, waiting up to its {@link AcquireRequest#waitTimeout()}.
   *
   * @param request what to acquire; its name must be {@link #name()}
   * @return the lease
   * @throws LockWaitTimeoutException when a finite wait ran out while the source stayed busy
   * @throws InvalidArgumentException when the request names another lock, or the primitive refuses it (a read
   *     holder asking for the write side)
   */
  Lease acquire(AcquireRequest request);

  /**
   * Tries to acquire for a fresh owner, waiting at most {@code waitTimeout}.
   *
   * @param leaseTtl how long the backend keeps the lease between renewals
   * @param waitTimeout how long to wait; {@link Duration#ZERO} tries once
   * @return the lease, or empty when the source stayed busy for the whole wait
   */
  default Optional<Lease> tryAcquire(Duration leaseTtl, Duration waitTimeout) {
    return tryAcquire(request(leaseTtl).withWait(waitTimeout));
  }

  /**
   * Tries to acquire as the request says.
   *
   * @param request what to acquire and how long to wait; its name must be {@link #name()}
   * @return the lease, or empty when the source stayed busy for the whole wait
   */
  Optional<Lease> tryAcquire(AcquireRequest request);

  /**
   * Asynchronous {@link #acquire(AcquireRequest)}: never blocks the caller. Cancelling the future stops the
   * wait; if a grant raced with the cancellation, the lease is released.
   *
   * @param request what to acquire
   * @return completes with the lease, or exceptionally as {@link #acquire(AcquireRequest)} throws
   */
  CompletableFuture<Lease> acquireAsync(AcquireRequest request);

  /**
   * Asynchronous {@link #tryAcquire(AcquireRequest)}.
   *
   * @param request what to acquire and how long to wait
   * @return completes with the lease or empty
   */
  CompletableFuture<Optional<Lease>> tryAcquireAsync(AcquireRequest request);
}
