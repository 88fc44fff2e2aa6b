package io.holdfast;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A Holdfast client: the entry point for distributed locks. Make one per process (it is thread-safe and holds
 * the connections, the renewal scheduler and the wake-up subscription) with {@link #connect(HoldfastOptions)},
 * and close it on shutdown.
 *
 * <pre>{@code
 * try (Holdfast holdfast = Holdfast.connect(HoldfastOptions.builder().backend("redis://127.0.0.1:6379").build());
 *      Lease lease = holdfast.acquire("orders/42", Duration.ofSeconds(10))) {
 *   resource.write(data, lease.fencingToken());   // the resource refuses older tokens
 * }
 * }</pre>
 *
 * <p><b>Waiting.</b> A waiter is woken by a release message (one subscription per client, not per lock) and
 * re-checks on a bounded timer in case a message is lost; it never polls in a tight loop.
 *
 * <p><b>Failures.</b> Transient backend failures (connection loss, timeouts, {@code LOADING}, {@code BUSY}) are
 * retried with exponential backoff and full jitter within the caller's wait (and at least the configured retry
 * budget); every operation is token-checked and carries a request id, so a retry never grants twice or counts a
 * hold twice. During a partition an acquire keeps retrying until its wait runs out, then throws
 * {@link BackendUnavailableException}; leases held across a partition are reported lost through their
 * {@link LeaseLostListener} when renewal cannot be confirmed before their deadline.
 */
public interface Holdfast extends AutoCloseable {

  /**
   * Connects to the backend the options name. The backend implementation is found with
   * {@link java.util.ServiceLoader} ({@code holdfast-redis} provides {@code redis://} and {@code rediss://});
   * {@code embedded:} is built in.
   *
   * @param options the options
   * @return a connected client
   * @throws InvalidArgumentException when no backend on the class path supports the URI
   * @throws BackendUnavailableException when the backend cannot be reached
   */
  static Holdfast connect(HoldfastOptions options) {
    return ClientFactory.connect(options);
  }

  /**
   * Connects with default options to the given backend.
   *
   * @param backendUri e.g. {@code redis://127.0.0.1:6379} or {@code embedded:}
   * @return a connected client
   * @throws InvalidArgumentException when the URI is malformed or unsupported
   * @throws BackendUnavailableException when the backend cannot be reached
   */
  static Holdfast connect(String backendUri) {
    return connect(HoldfastOptions.builder().backend(backendUri).build());
  }

  /**
   * Acquires {@code name} for a fresh owner, waiting as long as it takes, with automatic renewal.
   *
   * @param name the lock name
   * @param leaseTtl how long the backend keeps the lease between renewals
   * @return the lease
   * @throws InvalidArgumentException on a bad name or TTL
   * @throws BackendUnavailableException when the backend stays unreachable past the retry budget
   * @throws HoldfastException with {@link ErrorCode#INTERRUPTED} when interrupted (the flag is set again)
   */
  Lease acquire(String name, Duration leaseTtl);

  /**
   * Acquires as the request says, waiting up to its {@link AcquireRequest#waitTimeout()}.
   *
   * @param request what to acquire
   * @return the lease
   * @throws LockWaitTimeoutException when a finite wait ran out while the lock was held by another owner
   * @throws BackendUnavailableException when the wait ran out while the backend was unreachable
   * @throws HoldfastException with {@link ErrorCode#INTERRUPTED} when interrupted (the flag is set again)
   */
  Lease acquire(AcquireRequest request);

  /**
   * Tries to acquire {@code name} for a fresh owner, waiting at most {@code waitTimeout}.
   *
   * @param name the lock name
   * @param leaseTtl how long the backend keeps the lease between renewals
   * @param waitTimeout how long to wait; {@link Duration#ZERO} tries once
   * @return the lease, or empty when the lock stayed held by another owner for the whole wait
   * @throws BackendUnavailableException when the wait ran out while the backend was unreachable
   * @deprecated two {@code Duration}s in a row are easy to swap without the compiler noticing, and Redisson's
   *     {@code tryLock(wait, lease, unit)} takes them in the opposite order; say which is which with
   *     {@code tryAcquire(AcquireRequest.of(name, leaseTtl).withWait(waitTimeout))}.
   */
  @Deprecated
  Optional<Lease> tryAcquire(String name, Duration leaseTtl, Duration waitTimeout);

  /**
   * Tries to acquire as the request says.
   *
   * @param request what to acquire and how long to wait
   * @return the lease, or empty when the lock stayed held by another owner for the whole wait
   * @throws BackendUnavailableException when the wait ran out while the backend was unreachable
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

  /**
   * Who holds {@code name} right now, as the backend sees it. For display and diagnosis only.
   *
   * @param name the lock name
   * @return the holder, or empty when the lock is free
   * @throws BackendUnavailableException when the backend stays unreachable past the retry budget
   */
  Optional<LockState> inspect(String name);

  /**
   * The leader election carried by the lock {@code name}: campaigns are acquires of that lock by fresh candidate
   * owners, the leader is its holder and the term its fencing token (see {@link Election}). Cheap: nothing is sent
   * until a campaign, {@link Election#leader()} or {@link Election#observe} is called.
   *
   * @param name the election's name, a valid {@link LockName}
   * @return the election
   * @throws InvalidArgumentException on a bad name
   */
  Election election(String name);

  /**
   * A read/write lock named {@code name} with writer preference (see {@link ReadWriteLock}). Its names are its
   * own: a read/write lock and a plain lock of the same name do not exclude each other.
   *
   * @param name the lock name
   * @return a handle; making it sends nothing
   * @throws InvalidArgumentException on a bad name, or when the backend offers no read/write locks
   */
  ReadWriteLock readWriteLock(String name);

  /**
   * A read/write lock named {@code name}, with or without writer preference.
   *
   * @param name the lock name
   * @param preferWriters whether waiting writers keep new readers out (use the same for every user of a name)
   * @return a handle; making it sends nothing
   * @throws InvalidArgumentException on a bad name, or when the backend offers no read/write locks
   */
  ReadWriteLock readWriteLock(String name, boolean preferWriters);

  /**
   * A semaphore named {@code name} whose handle lets at most {@code permits} owners hold a permit at once (see
   * {@link Semaphore} for what happens when handles disagree). Its names are its own, apart from locks'.
   *
   * @param name the semaphore name
   * @param permits at least 1
   * @return a handle; making it sends nothing
   * @throws InvalidArgumentException on a bad name or count, or when the backend offers no semaphores
   */
  Semaphore semaphore(String name, int permits);

  /**
   * Where this client's metrics go ({@code holdfast.*} meters).
   *
   * @return the registry from the options
   */
  MeterRegistry meterRegistry();

  /**
   * A one-line description of the backend, such as {@code redis://127.0.0.1:6379 (Redis 7.0.15)}.
   *
   * @return never null
   */
  String describeBackend();

  /**
   * Stops renewal, fails pending acquires with {@link ErrorCode#CLOSED}, releases every lease this client still
   * holds (best effort within the retry budget; what cannot be released expires at its TTL) and closes the
   * connections. Idempotent.
   */
  @Override
  void close();
}
