package io.holdfast;

import java.util.Objects;

/**
 * Thrown by an acquire whose wait would have closed a cycle of owners each waiting for a lock another one holds
 * ({@link ErrorCode#DEADLOCK}): instead of every member waiting out its timeout, the victim (see
 * {@link DeadlockVictim}) fails at once. Nothing is held by the failed acquire; locks the caller already holds stay
 * held, and the other members go on waiting until the caller releases one of them. Not transient: repeating the
 * same acquire while holding the same locks closes the same cycle.
 */
public final class DeadlockException extends HoldfastException {
  private static final long serialVersionUID = 1L;

  private final WaitCycle cycle;

  /**
   * Creates the exception.
   *
   * @param message which acquire failed, and the cycle
   * @param cycle the cycle, its first step the failed wait
   */
  public DeadlockException(String message, WaitCycle cycle) {
    super(ErrorCode.DEADLOCK, message);
    this.cycle = Objects.requireNonNull(cycle, "cycle");
  }

  /**
   * The cycle the wait would have closed, as found (a snapshot: by the time it is read the others may have
   * moved on).
   *
   * @return the cycle
   */
  public WaitCycle cycle() {
    return cycle;
  }
}
