package io.holdfast.spi;

import io.holdfast.InvalidArgumentException;

/** What one atomic release found. */
public sealed interface ReleaseOutcome {

  /**
   * The hold was released.
   *
   * @param remainingHolds the owner's holds left; 0 means the lock is free and waiters were notified
   */
  record Released(int remainingHolds) implements ReleaseOutcome {
    /** Validates the outcome. */
    public Released {
      if (remainingHolds < 0) {
        throw new InvalidArgumentException("remaining holds must not be negative, was " + remainingHolds);
      }
    }
  }

  /** The lock is not held by that owner with that fencing token (it expired, or was taken); nothing changed. */
  record NotOwner() implements ReleaseOutcome { }
}
