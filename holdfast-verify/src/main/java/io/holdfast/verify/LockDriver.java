package io.holdfast.verify;

import java.time.Duration;

/*
 * What a workload worker needs from a lock, so the same workload runs against Holdfast and against the
 * deliberately broken locks of the negative controls. Methods block. NotHeld means the lock says the lease is no
 * longer the caller's and nothing was changed (Holdfast may say so without asking Redis once the lease's own
 * deadline passed, so the checkers never treat it as proof of what Redis held); every other exception leaves the
 * outcome unknown.
 */
interface LockDriver extends AutoCloseable {

  /** Told when a lease is lost while held (Holdfast's LeaseLostListener). */
  interface LostSink {
    void lost(String lock, String owner, long token, String reason);
  }

  /** A granted lease. */
  interface Held {
    long token();

    /** How long the holder may still rely on the lease, by the lock's own rule; zero or less when not valid. */
    long validNanos();

    void renew();

    void release();
  }

  /** The lease is not the caller's any more; nothing was changed. */
  final class NotHeld extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotHeld(String message) {
      super(message);
    }
  }

  /**
   * Acquires {@code lock} for {@code owner}, waiting up to {@code wait}.
   *
   * @return the lease, or null when the lock stayed held by someone else
   */
  Held tryAcquire(String lock, String owner, Duration ttl, Duration wait, boolean autoRenew);

  /** A line for the report: what this lock is and how it is configured. */
  String describe();

  @Override
  void close();
}
