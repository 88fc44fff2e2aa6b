package io.holdfast.internal;

import java.time.Duration;

/*
 * Monotonic deadlines as System.nanoTime() values. nanoTime may be negative and wraps, so deadlines are only
 * ever compared by subtraction; a "forever" wait is capped at ~146 years from now, which no subtraction can
 * overflow. Stateless.
 */
public final class Deadlines {
  private static final long FOREVER_NANOS = Long.MAX_VALUE / 2;

  private Deadlines() { }

  /** The deadline {@code duration} after {@code nowNanos}; a duration too long to count is capped, never wrapped. */
  public static long after(long nowNanos, Duration duration) {
    long nanos;
    try {
      nanos = Math.min(duration.toNanos(), FOREVER_NANOS);
    } catch (ArithmeticException tooLong) {
      nanos = FOREVER_NANOS;
    }
    return nowNanos + nanos;
  }

  /** Nanoseconds left until the deadline; zero or negative once it has passed. */
  public static long remaining(long deadlineNanos, long nowNanos) {
    return deadlineNanos - nowNanos;
  }

  /** Whether the deadline has been reached at {@code nowNanos}. */
  public static boolean passed(long deadlineNanos, long nowNanos) {
    return nowNanos - deadlineNanos >= 0;
  }
}
