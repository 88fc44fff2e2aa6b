package io.holdfast;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One term of leadership won by a campaign: the candidate holds the election's lock under {@link #term()}. It ends
 * once, by {@link #resign()} (or {@code close()}), by the client closing, or by the loss of its lease (expiry,
 * partition, a lost service session); its {@link LeadershipListener} is told which.
 *
 * <p><b>Validity.</b> {@link #isLeader()} follows the lease's conservative local view (monotonic clock, ending
 * before the backend's expiry), so it turns false before another candidate can be elected. A holder paused between
 * checking it and acting can still act late: send {@link #term()} to the resource and let it refuse older terms.
 *
 * <p>May be used from any thread.
 */
public interface Leadership extends AutoCloseable {
  /**
   * The election.
   *
   * @return never null
   */
  LockName election();

  /**
   * The value this candidate campaigned with.
   *
   * @return never null, possibly empty
   */
  String value();

  /**
   * This candidate's owner token on the election's lock ({@link Leader#owner()} while it leads).
   *
   * @return never null
   */
  OwnerToken owner();

  /**
   * The term: the fencing token of the grant that made this candidate leader, larger than every earlier leader's.
   *
   * @return never null
   */
  FencingToken term();

  /**
   * Whether this candidate may still act as leader: not resigned, not lost, and the lease's local validity deadline
   * not passed.
   *
   * @return true while leading
   */
  boolean isLeader();

  /**
   * How long the leadership stays valid by the local monotonic view, zero once it ended.
   *
   * @return never negative
   */
  Duration remainingValidity();

  /**
   * Gives up the leadership: the listener is told {@link LeadershipLoss#RESIGNED} (unless it was already told of a
   * loss) and the election's lock is released, which wakes a waiting candidate at once. The backend is asked even
   * after a loss, since it may still hold the lease (an unconfirmed renewal), and only its owner can free it before
   * its TTL. A second call does nothing.
   *
   * @throws LeaseLostException when the backend no longer held the leadership's lease (it expired or another
   *     candidate leads): the term may not have been exclusive to the end, as for {@link Lease#release()}
   * @throws BackendUnavailableException when the backend stayed unreachable; the lease then ends at its TTL
   */
  void resign();

  /**
   * Asynchronous {@link #resign()}.
   *
   * @return completes when the backend confirmed the release (or nothing was left to release)
   */
  CompletableFuture<Void> resignAsync();

  /** {@link #resign()} unless already resigned, for try-with-resources; throws as it does. */
  @Override
  void close();
}
