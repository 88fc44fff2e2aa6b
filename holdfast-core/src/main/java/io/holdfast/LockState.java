package io.holdfast;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of who holds a lock, as the backend saw it when asked. It may be stale by the time it is read;
 * use it for display and diagnosis, never to decide who may write.
 *
 * @param name the lock
 * @param owner the holder's owner token
 * @param fencingToken the token of the current grant
 * @param holdCount how many times the owner has entered the lock (at least 1)
 * @param remainingTtl how long until the backend expires the lease unless it is renewed
 */
public record LockState(
    LockName name, OwnerToken owner, FencingToken fencingToken, int holdCount, Duration remainingTtl) {
  /** Validates the snapshot. */
  public LockState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(fencingToken, "fencingToken");
    Objects.requireNonNull(remainingTtl, "remainingTtl");
    if (holdCount < 1) {
      throw new InvalidArgumentException("hold count must be at least 1, was " + holdCount);
    }
  }
}
