package io.holdfast;

import java.util.Objects;
import java.util.Optional;

/**
 * The resource's side of fencing, for a resource that lives in one process (an in-memory store, a file, a device
 * driven by one service): it remembers the highest fencing token it has accepted and applies an operation only
 * when the operation's token is at least that high. A holder whose lease was lost without its knowing (a GC pause,
 * a partition) carries a token lower than the newer holder's, so its late write is refused instead of overwriting
 * the newer holder's work. Equal tokens are the same grant writing again (re-entry and renewal keep the token), so
 * they are accepted.
 *
 * <p>Use one guard per lock name whose resource it protects:
 * <pre>{@code
 * FenceGuard guard = new FenceGuard();
 * if (!guard.apply(lease.fencingToken(), () -> store.put(key, value))) {
 *   throw new IllegalStateException("stale write refused: a newer holder wrote first");
 * }
 * }</pre>
 *
 * <p>The check and the operation are one atomic step (the guard's monitor is held while the operation runs), so a
 * newer token cannot be accepted between them. The operation should therefore be short; it must not wait for the
 * lock it is guarded by. Nothing here expires or resets: a guard that is recreated (its process restarted) starts
 * from zero and accepts any token once, which is why a resource that outlives its process should keep the highest
 * token with its data. Thread-safe.
 */
public final class FenceGuard {
  private long highest;
  private long refused;

  /**
   * Runs {@code write} if {@code token} is at least the highest token accepted so far, and then remembers it as
   * the highest.
   *
   * @param token the fencing token of the grant the caller holds
   * @param write the write; runs at most once, under the guard, only when accepted
   * @return true when accepted and written; false when refused as stale (the write did not run)
   */
  public synchronized boolean apply(FencingToken token, Runnable write) {
    Objects.requireNonNull(write, "write");
    if (!admit(token)) {
      return false;
    }
    write.run();
    return true;
  }

  /**
   * Records {@code token} if it is at least the highest accepted so far: the decision alone, for a caller whose
   * write happens in the same critical section of its own (it must then hold its own lock across both).
   *
   * @param token the fencing token of the grant the caller holds
   * @return true when accepted; false when refused as stale (lower than the highest accepted)
   */
  public synchronized boolean admit(FencingToken token) {
    Objects.requireNonNull(token, "token");
    if (token.value() < highest) {
      refused++;
      return false;
    }
    highest = token.value();
    return true;
  }

  /**
   * The highest token accepted so far.
   *
   * @return the token, or empty before the first accepted one
   */
  public synchronized Optional<FencingToken> highest() {
    return highest == 0 ? Optional.empty() : Optional.of(new FencingToken(highest));
  }

  /**
   * How many operations were refused as stale.
   *
   * @return the count since the guard was made
   */
  public synchronized long refused() {
    return refused;
  }
}
