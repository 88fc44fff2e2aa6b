package io.holdfast;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/*
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): the delay is
 * uniform in [0, min(max, initial * 2^attempt)]. Full jitter spreads the retries of a whole fleet that lost
 * Redis at the same moment, so they do not come back in lock-step. Stateless and thread-safe.
 */
final class Backoff {
  private final long initialNanos;
  private final long maxNanos;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The delay before retry number {@code attempt} (0 for the first retry), in nanoseconds. */
  long delayNanos(int attempt) {
    int shift = Math.min(attempt, 30);
    long ceiling = initialNanos << shift;
    if (ceiling <= 0 || ceiling > maxNanos) {
      ceiling = maxNanos;
    }
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }
}
