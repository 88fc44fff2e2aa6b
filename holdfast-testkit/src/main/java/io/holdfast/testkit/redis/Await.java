package io.holdfast.testkit.redis;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling for the topology classes: a multi-process topology converges by gossip and timers (replication
 * links, sentinel hello messages, cluster pings), so the only way to know it is ready is to ask until it says
 * so. A probe that fails with a connection error or an error reply counts as "not yet", because a node being
 * started, killed or promoted answers exactly that way for a while.
 */
final class Await {
  private static final long POLL_MILLIS = 50;

  private Await() {}

  /**
   * Polls until the probe returns non-null.
   *
   * @throws IllegalStateException when the timeout passes first, naming {@code what} and the last failure
   */
  static <T> T until(Duration timeout, String what, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (true) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (UncheckedIOException | RedisReplyException | IllegalStateException e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("Timed out after " + timeout.toMillis() + " ms waiting for " + what
            + (last == null ? "" : " (last error: " + last.getMessage() + ")"), last);
      }
      Ports.sleep(POLL_MILLIS);
    }
  }

  /** Polls until the condition holds; see {@link #until(Duration, String, Supplier)}. */
  static void until(Duration timeout, String what, BooleanSupplier condition) {
    until(timeout, what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /** Closes every server, keeping the first failure and adding the others to it. */
  static void closeAll(Iterable<RedisServer> servers) {
    RuntimeException first = null;
    for (RedisServer server : servers) {
      try {
        server.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
