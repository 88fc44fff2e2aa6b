package io.holdfast;

import java.util.concurrent.CompletableFuture;

/**
 * A distributed semaphore whose permits are leases: at most {@link #permits()} owners hold a permit of one name at
 * once. Get one from {@link Holdfast#semaphore(String, int)}; the handle holds no state and costs nothing to make.
 *
 * <ul>
 *   <li><b>Permits are leases.</b> Each acquire returns a {@link Lease} for a permit with its own TTL timed by the
 *       backend, automatic renewal in the client's batch, its own fencing token and loss signal. A holder that
 *       crashes gives its permit back when the lease ends, with no action by anyone.</li>
 *   <li><b>Owners.</b> A permit belongs to an {@link OwnerToken}; each acquire with a fresh owner (the default)
 *       takes a permit of its own, and the same owner acquiring again re-enters its permit (same token, hold
 *       count one higher) instead of taking a second.</li>
 *   <li><b>Changing the number of permits at run time.</b> The number is not stored in the backend; each acquire
 *       carries its handle's number and is granted only while fewer owners than that hold a permit. Raising it
 *       lets the next acquire in at once. Lowering it takes no permit back: holders keep theirs until they release
 *       or their lease ends, and acquires with the lower number wait until fewer than it are held. While handles
 *       with different numbers are in use, each grant obeys the number of the handle that asked for it, so at
 *       most the largest number in use is held at once.</li>
 *   <li><b>Fencing.</b> Permit tokens of one name strictly increase over all grants, so a resource can tell a
 *       newer permit from an older one; a semaphore does not make writes exclusive, so use the token to order or
 *       to refuse the writes of a permit that was lost.</li>
 * </ul>
 */
public interface Semaphore extends LeaseSource {

  /**
   * How many owners may hold a permit at once, as this handle asks.
   *
   * @return at least 1
   */
  int permits();

  /**
   * How many owners hold a live permit right now, as the backend sees it. For display and diagnosis only: it may
   * change before the caller reads it.
   *
   * @return completes with the count
   */
  CompletableFuture<Integer> heldAsync();
}
