package io.holdfast;

/**
 * A bad input: an empty or over-long lock name, a non-positive or absurd TTL, a negative wait. Thrown before
 * anything is sent, so nothing changed. The message names the bad value.
 */
public final class InvalidArgumentException extends HoldfastException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, including the rejected value
   */
  public InvalidArgumentException(String message) {
    super(ErrorCode.INVALID_ARGUMENT, message);
  }
}
