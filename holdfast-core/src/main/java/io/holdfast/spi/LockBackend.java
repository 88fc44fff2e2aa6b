package io.holdfast.spi;

import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The primitive, atomic lock operations a backend provides. The Holdfast client builds everything else on top
 * (waiting, retry, renewal scheduling, metrics, listeners), so each backend only has to get these right, and one
 * contract test suite checks them all.
 *
 * <p>Rules every backend keeps:
 * <ul>
 *   <li>Each method is one atomic step in the backend; expiry is timed by the backend, never by a client's wall
 *       clock.</li>
 *   <li>Fencing tokens of one lock name strictly increase over all its grants, across release and expiry.</li>
 *   <li>Retrying any call with the same arguments after an ambiguous failure is safe: acquire recognises its
 *       request id and does not count the hold twice; release and renew are checked against owner and token.</li>
 *   <li>Futures complete on a backend thread and must not be completed with {@code null}.</li>
 * </ul>
 */
public interface LockBackend extends AutoCloseable {

  /**
   * Grants the lock to {@code owner} if it is free or already theirs (re-entry), else reports it busy.
   *
   * @param name the lock
   * @param owner the would-be holder
   * @param ttl the lease TTL; on re-entry the lease becomes the longer of its remaining TTL and this
   * @param requestId unique per logical acquire; a repeat with the same id returns the earlier outcome
   * @return the outcome
   */
  CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl, long requestId);

  /**
   * Like {@link #tryAcquire(LockName, OwnerToken, Duration, long)}, but a backend that waits where the releases
   * happen (the lock service, which wakes one waiter per release instead of telling every client) may itself wait
   * up to {@code wait} for the lock; a busy answer then comes about {@code wait} after the call. The wait ends when
   * the call ends: a grant made after the caller has gone is given back, and a repeat with the same request id
   * returns a grant the caller never received. Backends that cannot wait answer at once (the default).
   *
   * @param wait at most {@link #longestWait()}; ignored by backends that do not wait
   * @return the outcome; a grant says how long the backend waited before making it
   */
  default CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration wait) {
    return tryAcquire(name, owner, ttl, requestId);
  }

  /**
   * The fair mode of {@link #tryAcquire(LockName, OwnerToken, Duration, long, Duration)}: an owner that does not hold
   * the lock is granted it only when it is free and no live waiter is ahead of it in the lock's line, which the
   * backend keeps in arrival order as the backend (never a client's clock) sees it. Otherwise the caller takes, or
   * keeps, its place in line and is told busy; its place lapses {@code queueKeep} after its last attempt unless it
   * attempts again, so a dead waiter is dropped in bounded time. Re-entry, fencing tokens, renewal and release are
   * those of the plain lock; the release of a fair grant names the next head in its release message
   * ({@link #subscribeHandOffs}). The default refuses: a backend that cannot keep the order must not pretend to.
   *
   * @param wait as in the plain mode: how long a backend that waits itself may wait; ignored by the others
   * @param queueKeep how long the caller's place lasts after this attempt; zero takes no place (a single try that
   *     still does not pass anyone in line). A backend that waits itself ({@code wait} positive) keeps the place
   *     while it waits and for at most {@code queueKeep} after the wait ends: zero means the caller will not come
   *     back, so its place ends with the call and does not hold up the line after it gave up
   * @return the outcome; fails with {@link io.holdfast.InvalidArgumentException} on a backend without fair mode
   */
  default CompletableFuture<AcquireOutcome> tryAcquireFair(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration wait, Duration queueKeep) {
    return CompletableFuture.failedFuture(new io.holdfast.InvalidArgumentException(
        "fair locks are not available on " + describe() + " (lock '" + name + "')"));
  }

  /**
   * Like {@link #subscribe}, but tells each release's hand-off: the owner token at the head of a fair lock's line
   * when the release freed a fair grant and someone waits in line, else the empty string (anyone may try). A
   * client wakes only that owner's waiter, so a hand-off costs one attempt, not one per waiting client. The default
   * knows no hand-off and always passes the empty string.
   *
   * @param name the lock
   * @param onRelease called for each release of the lock's last hold, with the head's owner token or ""
   * @return the subscription
   */
  default CompletableFuture<ReleaseSubscription> subscribeHandOffs(LockName name, Consumer<String> onRelease) {
    return subscribe(name, () -> onRelease.accept(""));
  }

  /**
   * The longest wait one {@link #tryAcquire(LockName, OwnerToken, Duration, long, Duration)} may ask of this
   * backend right now; zero (the default) when callers wait on their own through {@link #subscribe}.
   */
  default Duration longestWait() {
    return Duration.ZERO;
  }

  /**
   * The caller stopped waiting for the acquire with this request id (cancelled, client closing, or its wait ended
   * without a grant): a backend that waits itself ends that wait, and gives back a grant it makes afterwards.
   * Best effort and idempotent; a grant already answered is not affected (the caller releases it). The default
   * does nothing.
   *
   * @param requestId the request id of the abandoned acquire
   */
  default void abandon(long requestId) {
  }

  /**
   * Releases one hold if the lock is held by {@code owner} under {@code fencingToken}; publishes a release
   * message when the last hold goes.
   *
   * @param name the lock
   * @param owner the holder
   * @param fencingToken the grant
   * @param requestId unique per logical release; a repeat with the same id does not release a second hold
   * @return the outcome
   */
  CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId);

  /**
   * Renews every lease in the batch that is still held as described, in as few backend calls as the topology
   * allows (one per Redis node is the goal).
   *
   * @param leases the leases
   * @return for each lease in order, whether it was renewed (false: no longer held by that owner and token)
   */
  CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases);

  /**
   * Renews a batch like {@link #renew}, but answers per lease, so that a backend spread over several nodes can
   * report the leases of a node that failed as {@link RenewOutcome#UNKNOWN} while the others count as renewed or
   * not held. The engine's automatic renewal calls this. The default maps {@link #renew}'s answer (a failure of the
   * returned future still fails the whole batch, which is right for a backend on one node); backends on several
   * nodes (Redis Cluster, independent masters) should override it.
   *
   * @param leases the leases
   * @return for each lease in order, what is known of it; the future fails only when nothing is known at all
   */
  default CompletableFuture<List<RenewOutcome>> renewEach(List<RenewRequest> leases) {
    return renew(leases).thenApply(renewed -> renewed.stream()
        .map(held -> Boolean.TRUE.equals(held) ? RenewOutcome.RENEWED : RenewOutcome.NOT_HELD).toList());
  }

  /**
   * Reads who holds the lock.
   *
   * @param name the lock
   * @return the holder, or empty when free
   */
  CompletableFuture<Optional<LockState>> inspect(LockName name);

  /**
   * Starts delivering release messages for {@code name} to {@code onRelease} (on a backend thread; it must not
   * block). The future completes once the subscription is active, so a release after that is not missed.
   *
   * @param name the lock
   * @param onRelease called for each release of the lock's last hold
   * @return the subscription
   */
  CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease);

  /**
   * Whether a failure is transient: worth retrying after a backoff (connection loss, timeout, {@code LOADING},
   * {@code BUSY}, {@code TRYAGAIN}, failover in progress).
   *
   * @param failure a failure from one of this backend's futures (possibly wrapped in a
   *     {@link java.util.concurrent.CompletionException})
   * @return true to retry
   */
  boolean isTransient(Throwable failure);

  /**
   * Whether a failure proves that the call never reached the backend (for example, rejected locally while the
   * connection was down), so the backend cannot have executed it, now or later. The engine then does not count
   * a grant's validity from that attempt: only attempts that may have reached the backend can start it. The
   * default, false, is always safe: validity then counts from the earliest attempt without a definite answer,
   * which can only make the local view shorter.
   *
   * @param failure a failure from one of this backend's futures (possibly wrapped in a
   *     {@link java.util.concurrent.CompletionException})
   * @return true only when the call was certainly not sent
   */
  default boolean neverSent(Throwable failure) {
    return false;
  }

  /**
   * An optional set of operations this backend also offers, such as {@link ReadWriteLockBackend} or
   * {@link SemaphoreBackend}. The default offers none beyond what the backend itself implements.
   *
   * @param type the interface of the feature
   * @param <T> the feature's type
   * @return the feature, or empty when this backend does not offer it
   */
  default <T> Optional<T> feature(Class<T> type) {
    return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
  }

  /**
   * Reads the backend's own wall clock (Redis {@code TIME}), on the connection the lock calls use, for the client's
   * clock detector: the offset of the client's wall clock and the rate of its monotonic clock are measured against
   * it, since the backend's clock is the one that times leases. Not retried; a failed read is simply skipped. The
   * default, empty, means the backend has no clock to read (the embedded store shares the client's clocks).
   *
   * @return the backend's time when it answered, or empty when the backend cannot tell
   */
  default CompletableFuture<Optional<java.time.Instant>> time() {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /**
   * For a backend whose own calls already carry its clock (the lock service's keep-alive replies carry its store's
   * time): registers where to deliver each such reading and answers true; the client's clock detector then takes
   * those readings instead of calling {@link #time()}, so measuring costs no call of its own. Called once, when the
   * client starts. The default answers false.
   *
   * @param sink where readings go
   * @return whether this backend delivers readings
   */
  default boolean clockReadings(ClockReadings sink) {
    return false;
  }

  /**
   * The client's measured offset of its wall clock from the backend's (local minus backend), after each reading,
   * for a backend that passes it on (the lock service stores it with the session for its admin views). The
   * default ignores it. Must not block.
   *
   * @param offset the newest measured offset
   */
  default void clockOffsetMeasured(Duration offset) {
  }

  /**
   * A one-line description for logs and the CLI.
   *
   * @return e.g. {@code redis://127.0.0.1:6379 (Redis 7.0.15)}
   */
  String describe();

  /** Closes connections; pending futures fail. Idempotent. */
  @Override
  void close();
}
