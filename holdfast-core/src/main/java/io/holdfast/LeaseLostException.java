package io.holdfast;

/**
 * Thrown by {@link Lease#release()} and {@link Lease#renew()} when the lease no longer belongs to its owner: it
 * expired, was force-released, or another owner was granted the lock since. The backend was not changed by the
 * failed call: a release never deletes another owner's lock.
 */
public final class LeaseLostException extends HoldfastException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which lease was lost and how it was noticed
   */
  public LeaseLostException(String message) {
    super(ErrorCode.LEASE_LOST, message);
  }
}
