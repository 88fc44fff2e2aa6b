package io.holdfast.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A client instance that also offers a read/write lock and a semaphore with leased permits (issue 12), used the
 * way each library documents: a blocking acquire with a wait for the cycle workloads, an asynchronous try-once
 * acquire to hold many grants quickly. Thread-safe.
 */
interface PrimitiveLocker extends Locker {
  /** Which side of which primitive a grant is for. */
  enum Kind { READ, WRITE, PERMIT }

  /**
   * One thing to acquire.
   *
   * @param kind the read or write side of a read/write lock, or a permit of a semaphore
   * @param name the primitive's name
   * @param permits the semaphore's number of permits; 0 for a read/write lock
   * @param preferWriters for a read/write lock, whether waiting writers keep new readers out (Holdfast's default,
   *     {@code readWriteLock(name, true)}); false for a semaphore. A contender without the choice ignores it.
   */
  record Target(Kind kind, String name, int permits, boolean preferWriters) {
    public Target {
      if ((kind == Kind.PERMIT) != (permits > 0) || (kind == Kind.PERMIT && preferWriters)) {
        throw new IllegalArgumentException("a permit needs a positive number of permits and no preference, a "
            + "lock side neither: " + kind + " " + permits + " " + preferWriters);
      }
    }

    static Target read(String name, boolean preferWriters) {
      return new Target(Kind.READ, name, 0, preferWriters);
    }

    static Target write(String name, boolean preferWriters) {
      return new Target(Kind.WRITE, name, 0, preferWriters);
    }

    static Target permit(String name, int permits) {
      return new Target(Kind.PERMIT, name, permits, false);
    }
  }

  /**
   * Acquires {@code target}, waiting up to {@code wait}, with the lease TTL of the instance's spec.
   *
   * @return the grant, or null when it stayed busy for the whole wait
   * @throws InterruptedException when interrupted while waiting
   */
  Held acquire(Target target, Duration wait) throws InterruptedException;

  /**
   * Tries once to acquire {@code target} for a new owner, without renewal and without blocking the caller.
   *
   * @return completes with the grant, or exceptionally when it is busy or the call failed
   */
  CompletableFuture<Held> acquireAsync(Target target);
}
