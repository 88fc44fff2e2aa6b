package io.holdfast.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One client instance of a contender, used the way its documentation shows: blocking acquire with a wait for
 * the cycle workloads, and an asynchronous try-once acquire to hold many locks quickly. Thread-safe.
 */
interface Locker extends AutoCloseable {
  /**
   * Acquires {@code name}, waiting up to {@code wait}, with the library's default renewal (Holdfast's
   * auto-renew, Redisson's watchdog; the raw floor does not renew).
   *
   * @return the hold, or null when the lock stayed busy for the whole wait
   * @throws InterruptedException when interrupted while waiting
   */
  Held acquire(String name, Duration wait) throws InterruptedException;

  /**
   * Tries once to acquire {@code name} without blocking the caller.
   *
   * @param renew whether the lease is kept alive in the background until released
   * @return completes with the hold, or exceptionally when the lock is busy or the call failed
   */
  CompletableFuture<Held> acquireAsync(String name, boolean renew);

  /** Closes the instance's connections and threads. */
  @Override
  void close();
}
