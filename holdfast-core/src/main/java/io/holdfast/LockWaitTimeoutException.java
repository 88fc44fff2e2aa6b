package io.holdfast;

/**
 * Thrown by {@link Holdfast#acquire(AcquireRequest)} when the request's finite wait ran out while another owner
 * held the lock. Nothing is held by the caller afterwards. ({@code tryAcquire} reports the same case as an empty
 * result instead.)
 */
public final class LockWaitTimeoutException extends HoldfastException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which lock, and how long the caller waited
   */
  public LockWaitTimeoutException(String message) {
    super(ErrorCode.WAIT_TIMEOUT, message);
  }
}
