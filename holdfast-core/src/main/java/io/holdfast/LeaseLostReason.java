package io.holdfast;

/** Why a lease was declared lost. */
public enum LeaseLostReason {
  /**
   * The backend answered that the lease no longer belongs to its owner: it expired, was force-released, or
   * another owner holds the lock now.
   */
  NOT_OWNER,
  /**
   * Renewal could not be confirmed before the lease's validity deadline (backend unreachable, paused or too
   * slow). The backend may still hold it for a moment, but the holder can no longer rely on it.
   */
  UNCONFIRMED,
  /**
   * A lease taken without automatic renewal reached its local validity deadline without being renewed by hand.
   * The backend expires it at its TTL, which ends no earlier.
   */
  EXPIRED,
  /** The lock service session the lease was bound to expired or was closed. */
  SESSION_LOST
}
