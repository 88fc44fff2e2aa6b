package io.holdfast;

import java.time.Duration;
import java.util.Objects;

/**
 * The leader of an election as the backend saw it when asked: a snapshot that may be stale by the time it is read.
 *
 * <p>A candidate's owner token is its {@link CampaignRequest#value() value}, a {@value #SEPARATOR}, and a fresh
 * random owner ({@link OwnerToken#random()}, which has no {@value #SEPARATOR}), so that the leader's value travels
 * with the lock itself (no second key, nothing left behind) and two candidates with the same value stay two owners.
 *
 * @param election the election (its lock name)
 * @param value the value the leader campaigned with (empty if none, or if the lock was taken by a plain acquire)
 * @param owner the leader's owner token
 * @param term the fencing token of the leader's grant: larger than every earlier leader's term
 * @param remainingTtl how long until the backend expires the leader's lease unless it is renewed
 */
public record Leader(LockName election, String value, OwnerToken owner, FencingToken term, Duration remainingTtl) {
  /** Ends the value inside a candidate's owner token. */
  static final char SEPARATOR = '~';
  /** The longest value a candidate may campaign with: the owner token's limit less the random part and separator. */
  public static final int MAX_VALUE_LENGTH = OwnerToken.MAX_LENGTH - 23;

  /** Validates the snapshot. */
  public Leader {
    Objects.requireNonNull(election, "election");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(term, "term");
    Objects.requireNonNull(remainingTtl, "remainingTtl");
  }

  /**
   * The leader a lock's state shows.
   *
   * @param state the election lock's holder
   * @return the leader
   */
  public static Leader of(LockState state) {
    return new Leader(state.name(), valueOf(state.owner()), state.owner(), state.fencingToken(),
        state.remainingTtl());
  }

  /** Whether this is the same leadership as {@code other}: same owner and term, whatever the remaining TTL. */
  boolean sameTermAs(Leader other) {
    return owner.equals(other.owner) && term.equals(other.term);
  }

  /** A fresh owner token carrying {@code value} (validated by {@link CampaignRequest}). */
  static OwnerToken candidate(String value) {
    return OwnerToken.of(value + SEPARATOR + OwnerToken.random().value());
  }

  private static String valueOf(OwnerToken owner) {
    int end = owner.value().lastIndexOf(SEPARATOR);
    return end < 0 ? "" : owner.value().substring(0, end);
  }
}
