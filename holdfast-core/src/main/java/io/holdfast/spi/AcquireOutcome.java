package io.holdfast.spi;

import io.holdfast.FencingToken;
import io.holdfast.InvalidArgumentException;
import java.time.Duration;
import java.util.Objects;

/** What one atomic acquire attempt found: the lock was granted to the caller, or another owner holds it. */
public sealed interface AcquireOutcome {

  /**
   * The caller holds the lock.
   *
   * @param fencingToken the grant's token (unchanged on re-entry)
   * @param holdCount the owner's hold count after this attempt
   */
  record Granted(FencingToken fencingToken, int holdCount) implements AcquireOutcome {
    /** Validates the outcome. */
    public Granted {
      Objects.requireNonNull(fencingToken, "fencingToken");
      if (holdCount < 1) {
        throw new InvalidArgumentException("hold count must be at least 1, was " + holdCount);
      }
    }
  }

  /**
   * Another owner holds the lock.
   *
   * @param remainingTtl how long the holder's lease has left by the backend's clock; the waiter re-checks no
   *     later than that, since an expiry sends no release message
   */
  record Busy(Duration remainingTtl) implements AcquireOutcome {
    /** Validates the outcome. */
    public Busy {
      Objects.requireNonNull(remainingTtl, "remainingTtl");
    }
  }
}
