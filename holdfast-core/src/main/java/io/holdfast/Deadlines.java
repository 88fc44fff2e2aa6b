package io.holdfast;

import java.time.Duration;

/*
 * Monotonic deadlines as System.nanoTime() values. nanoTime may be negative and wraps, so deadlines are only
 * ever compared by subtraction; a "forever" wait is capped at ~146 years from now, which no subtraction can
 * overflow. Stateless.
 */
final class Deadlines {
  private static final long FOREVER_NANOS = Long.MAX_VALUE / 2;

  private Deadlines() { }

  static long after(long nowNanos, Duration duration) {
    long nanos;
    try {
      nanos = Math.min(duration.toNanos(), FOREVER_NANOS);
    } catch (ArithmeticException tooLong) {
      nanos = FOREVER_NANOS;
    }
    return nowNanos + nanos;
  }

  static long remaining(long deadlineNanos, long nowNanos) {
    return deadlineNanos - nowNanos;
  }

  static boolean passed(long deadlineNanos, long nowNanos) {
    return nowNanos - deadlineNanos >= 0;
  }
}
