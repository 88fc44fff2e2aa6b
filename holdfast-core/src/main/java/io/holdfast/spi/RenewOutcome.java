package io.holdfast.spi;

/**
 * What a backend knows about one lease of a renewal batch ({@link LockBackend#renewEach}).
 */
public enum RenewOutcome {
  /** The backend extended the lease to a full TTL from when it ran the renewal. */
  RENEWED,
  /**
   * The lock is no longer held by that owner and fencing token (expired, released, or granted to someone else);
   * the engine reports the lease lost ({@code NOT_OWNER}) and stops renewing it.
   */
  NOT_HELD,
  /**
   * The part of the backend holding this lease did not answer (a Cluster node down or failing over, a quorum
   * without a majority): the lease may or may not have been extended. The engine retries it with backoff until
   * its local validity deadline, then reports it lost ({@code UNCONFIRMED}); the other leases of the batch are
   * not held back by it.
   */
  UNKNOWN,
  /**
   * The lease was bound to a lock service session that expired or that the service no longer knows: the
   * service has freed (or will free) the lock with its session. The engine reports the lease lost
   * ({@code SESSION_LOST}) and stops renewing it. Only backends with sessions answer this.
   */
  SESSION_LOST
}
