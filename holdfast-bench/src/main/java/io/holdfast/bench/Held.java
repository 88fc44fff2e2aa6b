package io.holdfast.bench;

import java.util.concurrent.CompletableFuture;

/** One granted lock. */
interface Held {
  /** The fencing token of the grant, or {@link Contender#NO_TOKEN}. */
  long token();

  /**
   * Releases the lock, from the thread that acquired it (Redisson ties ownership to the thread).
   *
   * @throws IllegalStateException when the library reports the lock was no longer held
   */
  void release();

  /** Releases from any thread; completes exceptionally when the lock was no longer held. */
  CompletableFuture<Void> releaseAsync();
}
