package io.holdfast;

/**
 * The backend could not be reached, or kept answering with transient errors (connection loss, timeouts,
 * {@code LOADING}, {@code BUSY}), until the caller's time ran out. Transient failures are retried with
 * exponential backoff and full jitter before this is thrown, so seeing it means the outage lasted.
 *
 * <p>Every Holdfast operation is token-checked and idempotent, so repeating the call after this exception is
 * safe: an acquire that did reach Redis is recognised by its request id and not counted twice.
 */
public final class BackendUnavailableException extends HoldfastException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was attempted, for which lock, and for how long
   * @param cause the last transient failure seen
   */
  public BackendUnavailableException(String message, Throwable cause) {
    super(ErrorCode.UNAVAILABLE, message, cause);
  }
}
