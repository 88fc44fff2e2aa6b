package io.holdfast.spi;

import io.holdfast.FencingToken;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The atomic operations of a read/write lock, offered by a backend through
 * {@link LockBackend#feature(Class)}. The Holdfast client builds waiting, retry, renewal and loss signals on top,
 * exactly as for the plain lock, so a backend only has to get these steps right; the read/write contract suite
 * checks them.
 *
 * <p>Rules every backend keeps, besides those of {@link LockBackend}:
 * <ul>
 *   <li>Many owners may hold the read side at once, or one owner the write side; never both, except that the
 *       write holder may also take the read side (that is how a writer downgrades: take read, release write).
 *       A read holder asking for the write side is refused with an
 *       {@link io.holdfast.InvalidArgumentException} (two readers upgrading would wait for each other forever).</li>
 *   <li>Each owner's read hold and the write hold is a lease of its own: its own TTL timed by the backend, its
 *       own fencing token, its own re-entry count. Read and write grants of one name draw their tokens from one
 *       sequence, so a writer's token is larger than every earlier reader's and a reader's larger than every
 *       earlier writer's.</li>
 *   <li>A waiting writer that announced itself (a positive {@code announce}) makes new readers that yield to
 *       writers busy until it is granted or its announcement lapses; readers that hold already re-enter.</li>
 *   <li>The release channel hears a message when the write hold ends or the last read hold ends, the moments
 *       at which a waiter may be able to proceed; an expiry publishes nothing.</li>
 *   <li>Nothing of the name is left once every hold has ended (released or expired).</li>
 * </ul>
 */
public interface ReadWriteLockBackend {

  /**
   * The failure a backend reports when an owner that holds the read side asks for the write side: one message
   * for every backend.
   *
   * @param name the lock
   * @return the exception to fail the acquire with
   */
  static InvalidArgumentException upgradeRefused(LockName name) {
    return new InvalidArgumentException("the owner holds the read side of '" + name + "' and asked for the write "
        + "side: upgrading is not supported (two upgrading readers would wait for each other forever); release "
        + "the read hold first");
  }

  /** The two sides of the lock. */
  enum Side {
    /** Shared: any number of owners while no other owner writes. */
    READ,
    /** Exclusive: one owner, while nobody else reads or writes. */
    WRITE
  }

  /**
   * Grants the read side to {@code owner}, re-enters its read hold, or reports the lock busy (another owner
   * writes, or a writer announced itself and {@code yieldToWriters}).
   *
   * @param name the lock
   * @param owner the would-be reader
   * @param ttl the lease TTL; on re-entry the lease becomes the longer of its remaining TTL and this
   * @param requestId unique per logical acquire; a repeat with the same id returns the earlier outcome
   * @param yieldToWriters whether an announced waiting writer keeps this new reader out (writer preference)
   * @return the outcome; busy carries how long until the blocker's lease or announcement can end
   */
  CompletableFuture<AcquireOutcome> tryAcquireRead(LockName name, OwnerToken owner, Duration ttl, long requestId,
      boolean yieldToWriters);

  /**
   * Grants the write side to {@code owner}, re-enters its write hold, or reports the lock busy.
   *
   * @param name the lock
   * @param owner the would-be writer
   * @param ttl the lease TTL; on re-entry the lease becomes the longer of its remaining TTL and this
   * @param requestId unique per logical acquire; a repeat with the same id returns the earlier outcome
   * @param announce when busy, announce this owner as a waiting writer for this long (by the backend's clock),
   *     so that readers yielding to writers stay out; zero announces nothing. A grant withdraws the announcement.
   * @return the outcome; fails with {@link io.holdfast.InvalidArgumentException} when the owner holds the read
   *     side and not the write side (an upgrade)
   */
  CompletableFuture<AcquireOutcome> tryAcquireWrite(LockName name, OwnerToken owner, Duration ttl, long requestId,
      Duration announce);

  /**
   * Releases one hold of {@code side} if {@code owner} holds it under {@code fencingToken}.
   *
   * @param side the side the hold is on
   * @param name the lock
   * @param owner the holder
   * @param fencingToken the grant
   * @param requestId unique per logical release; a repeat with the same id does not release a second hold
   * @return the outcome
   */
  CompletableFuture<ReleaseOutcome> release(Side side, LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId);

  /**
   * Renews a batch of holds of one side, each to its own TTL, answering per hold.
   *
   * @param side the side every hold of the batch is on
   * @param leases the holds
   * @return for each hold in order, what is known of it
   */
  CompletableFuture<List<RenewOutcome>> renewEach(Side side, List<RenewRequest> leases);

  /**
   * Delivers the lock's release messages (see the rules above) to {@code onRelease}, on a backend thread.
   *
   * @param name the lock
   * @param onRelease called per message; must not block
   * @return completes once the subscription is active
   */
  CompletableFuture<ReleaseSubscription> subscribeReadWrite(LockName name, Runnable onRelease);
}
