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
   * @param waited how long a backend that waits itself ({@link LockBackend#longestWait()}) waited, by its own
   *     monotonic clock, between receiving the call and making the attempt that granted it; zero for a grant made
   *     at once. The lease cannot have started earlier than the call's send time plus this.
   */
  record Granted(FencingToken fencingToken, int holdCount, Duration waited) implements AcquireOutcome {
    /** Validates the outcome. */
    public Granted {
      Objects.requireNonNull(fencingToken, "fencingToken");
      Objects.requireNonNull(waited, "waited");
      if (holdCount < 1) {
        throw new InvalidArgumentException("hold count must be at least 1, was " + holdCount);
      }
      if (waited.isNegative()) {
        throw new InvalidArgumentException("waited must not be negative, was " + waited);
      }
    }

    /** A grant made at once, without waiting. */
    public Granted(FencingToken fencingToken, int holdCount) {
      this(fencingToken, holdCount, Duration.ZERO);
    }
  }

  /**
   * Another owner holds the lock (or, in fair mode, someone is ahead of the caller in line).
   *
   * @param remainingTtl how long the holder's lease has left by the backend's clock; the waiter re-checks no
   *     later than that, since an expiry sends no release message
   * @param ticket in fair mode, the caller's place in the lock's line after this attempt, as the backend assigned
   *     it: tickets of one line increase in arrival order, and a waiter that is answered the same ticket again has
   *     stayed in line since it got it (a lapsed place taken again gets a larger one); 0 when the caller took no
   *     place or the backend does not say (the plain mode, a zero wait, the embedded store, the lock service).
   *     Only checkers read it ({@code holdfast verify --primitive fair}); waiting ignores it
   */
  record Busy(Duration remainingTtl, long ticket) implements AcquireOutcome {
    /** Validates the outcome. */
    public Busy {
      Objects.requireNonNull(remainingTtl, "remainingTtl");
      if (ticket < 0) {
        throw new InvalidArgumentException("ticket must not be negative, was " + ticket);
      }
    }

    /** A busy answer that names no place in line. */
    public Busy(Duration remainingTtl) {
      this(remainingTtl, 0);
    }
  }
}
