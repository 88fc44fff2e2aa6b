package io.holdfast;

/**
 * Why a {@link Leadership} ended: its holder gave it up ({@link #RESIGNED}, {@link #CLIENT_CLOSED}) or its lease
 * was lost (the other values, one per {@link LeaseLostReason}).
 */
public enum LeadershipLoss {
  /** {@link Leadership#resign()} (or {@code close()}) was called. */
  RESIGNED,
  /** The client was closed while leading; its leases were released. */
  CLIENT_CLOSED,
  /** The backend no longer held the lease for this candidate: it expired, or was force-released and re-granted. */
  NOT_OWNER,
  /** Renewal could not be confirmed before the lease's validity deadline: backend unreachable or partitioned. */
  UNCONFIRMED,
  /** A campaign without automatic renewal reached its lease's validity deadline. */
  EXPIRED,
  /** The lock service session the leadership's lease was bound to expired or was closed. */
  SESSION_LOST;

  /**
   * The loss that a lost lease means for the leadership it carried.
   *
   * @param reason why the lease was lost
   * @return never null
   */
  public static LeadershipLoss of(LeaseLostReason reason) {
    return switch (reason) {
      case NOT_OWNER -> NOT_OWNER;
      case UNCONFIRMED -> UNCONFIRMED;
      case EXPIRED -> EXPIRED;
      case SESSION_LOST -> SESSION_LOST;
    };
  }
}
