package io.holdfast.spi;

import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The atomic operations of a semaphore whose permits are leases, offered by a backend through
 * {@link LockBackend#feature(Class)}. The Holdfast client builds waiting, retry, renewal and loss signals on top.
 *
 * <p>Method names differ from {@link LockBackend}'s and {@link ReadWriteLockBackend}'s, so one class may offer all
 * three.
 *
 * <p>Rules every backend keeps, besides those of {@link LockBackend}:
 * <ul>
 *   <li>A permit is held by one owner, with its own TTL timed by the backend, its own fencing token and its own
 *       re-entry count (the same owner acquiring again re-enters its permit; it does not take a second one).
 *       Tokens of one name strictly increase over all its permits.</li>
 *   <li>The number of permits is not stored: each acquire carries it and is granted only while fewer owners
 *       than that hold a live permit. Lowering it takes no permit back; raising it lets the next acquire in.</li>
 *   <li>A permit whose lease ran out is free again, whoever held it.</li>
 *   <li>The release channel hears a message each time a permit's last hold is released.</li>
 *   <li>Nothing of the name is left once every permit has ended (released or expired).</li>
 * </ul>
 */
public interface SemaphoreBackend {

  /**
   * Grants a permit to {@code owner} if fewer than {@code permits} owners hold one, re-enters its permit, or
   * reports the semaphore busy.
   *
   * @param name the semaphore
   * @param permits how many owners may hold a permit at once, as this caller sees it (at least 1)
   * @param owner the would-be holder
   * @param ttl the lease TTL; on re-entry the lease becomes the longer of its remaining TTL and this
   * @param requestId unique per logical acquire; a repeat with the same id returns the earlier outcome
   * @return the outcome; busy carries how long until the first held permit's lease can end
   */
  CompletableFuture<AcquireOutcome> tryAcquirePermit(LockName name, int permits, OwnerToken owner, Duration ttl,
      long requestId);

  /**
   * Releases one hold of the owner's permit if it holds it under {@code fencingToken}.
   *
   * @param name the semaphore
   * @param owner the holder
   * @param fencingToken the permit's grant
   * @param requestId unique per logical release; a repeat with the same id does not release a second hold
   * @return the outcome
   */
  CompletableFuture<ReleaseOutcome> releasePermit(LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId);

  /**
   * Renews a batch of permits, each to its own TTL, answering per permit.
   *
   * @param leases the permits
   * @return for each permit in order, what is known of it
   */
  CompletableFuture<List<RenewOutcome>> renewPermits(List<RenewRequest> leases);

  /**
   * How many owners hold a live permit right now; for display and diagnosis only.
   *
   * @param name the semaphore
   * @return the count
   */
  CompletableFuture<Integer> permitsHeld(LockName name);

  /**
   * Delivers the semaphore's release messages to {@code onRelease}, on a backend thread.
   *
   * @param name the semaphore
   * @param onRelease called per message; must not block
   * @return completes once the subscription is active
   */
  CompletableFuture<ReleaseSubscription> subscribePermits(LockName name, Runnable onRelease);
}
