package io.holdfast;

/**
 * The kinds of failure a Holdfast caller can see. Stable: the lock service maps them one to one onto its wire
 * error codes.
 */
public enum ErrorCode {
  /** An argument was rejected before anything was sent; nothing changed. */
  INVALID_ARGUMENT,
  /**
   * The lease is gone: it expired, or was released, or another owner holds the lock now. Nothing changed in the
   * backend; the caller must stop work guarded by that lease.
   */
  LEASE_LOST,
  /**
   * The backend (Redis, the lock service) could not be reached or did not answer within the time allowed, even
   * after retries. The operation may or may not have been applied; every operation is safe to repeat.
   */
  UNAVAILABLE,
  /** A wait for a held lock ran out ({@code acquire} with a finite wait; {@code tryAcquire} returns empty). */
  WAIT_TIMEOUT,
  /**
   * The wait would have closed a cycle of owners each waiting for a lock another one holds, so it was failed at
   * once instead of running out ({@link DeadlockException} names the cycle). Nothing is held by the failed
   * acquire; what the caller already holds stays held: release something before trying again.
   */
  DEADLOCK,
  /** The calling thread was interrupted while blocked; the interrupt flag is set again, nothing is held. */
  INTERRUPTED,
  /** The client was closed. */
  CLOSED,
  /** The caller is not allowed to do this (lock service authentication and authorization). */
  PERMISSION_DENIED,
  /** The backend answered in a way Holdfast does not understand; a bug or an incompatible server. */
  INTERNAL
}
