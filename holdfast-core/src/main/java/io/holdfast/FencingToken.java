package io.holdfast;

/**
 * A number handed out with each grant of a lock. For one lock name, every grant gets a strictly larger token
 * than every earlier grant, across releases, expiries and (with the default Redis schema) a Redis restart that
 * lost its data. A re-entrant acquire by the same owner returns the token of the grant it re-enters.
 *
 * <p>Leases can be lost without the holder knowing in time (a long GC pause, a partition). To keep the guarded
 * resource correct anyway, send the token with every write and let the resource refuse a token lower than the
 * highest it has seen for that lock: see {@link #isNewerThan(FencingToken)}.
 *
 * @param value a positive 64-bit number
 */
public record FencingToken(long value) implements Comparable<FencingToken> {
  /**
   * Validates the token.
   *
   * @throws InvalidArgumentException when the value is zero or negative
   */
  public FencingToken {
    if (value <= 0) {
      throw new InvalidArgumentException("fencing token must be positive, was " + value);
    }
  }

  /**
   * Whether this token was granted after {@code other} for the same lock.
   *
   * @param other a token of the same lock
   * @return true when this token is strictly larger
   */
  public boolean isNewerThan(FencingToken other) {
    return value > other.value;
  }

  @Override
  public int compareTo(FencingToken other) {
    return Long.compare(value, other.value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
