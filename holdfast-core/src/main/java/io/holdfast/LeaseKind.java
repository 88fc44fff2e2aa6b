package io.holdfast;

/*
 * What a grant is a lease on: the plain lock, one side of a read/write lock, or a semaphore permit. The engine
 * (waiting, renewal, release, loss signals) is the same for all; the kind only picks the backend operations
 * (PrimitiveCalls) and how a release message wakes local waiters. A release of a write hold, or of the last read
 * hold, can let every waiting reader in at once, so READ waiters are all woken; for every other kind only one
 * waiter can win, so only the longest-waiting one is woken (no thundering herd).
 */
enum LeaseKind {
  LOCK(false),
  READ(true),
  WRITE(false),
  PERMIT(false);

  private final boolean wakesAll;

  LeaseKind(boolean wakesAll) {
    this.wakesAll = wakesAll;
  }

  /** Whether a release message wakes every local waiter of this kind rather than the longest-waiting one. */
  boolean wakesAll() {
    return wakesAll;
  }
}
