package io.holdfast;

import java.util.Objects;

/**
 * Root of every exception Holdfast throws. All are unchecked, and each carries an {@link ErrorCode} so that
 * callers (and the network service, which maps codes to wire statuses) can branch without parsing messages.
 *
 * <p>A wait that runs out is not an exception: {@code tryAcquire} returns an empty result instead.
 */
public class HoldfastException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /**
   * Creates an exception with a code and a message that says what happened.
   *
   * @param code what kind of failure this is; never null
   * @param message a sentence that names the lock, owner or value involved
   */
  public HoldfastException(ErrorCode code, String message) {
    this(code, message, null);
  }

  /**
   * Creates an exception with a code, a message and the underlying cause.
   *
   * @param code what kind of failure this is; never null
   * @param message a sentence that names the lock, owner or value involved
   * @param cause the lower-level failure, or null
   */
  public HoldfastException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * The kind of failure.
   *
   * @return never null
   */
  public ErrorCode code() {
    return code;
  }
}
