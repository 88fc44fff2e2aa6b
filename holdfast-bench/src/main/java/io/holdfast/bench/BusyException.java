package io.holdfast.bench;

/** A try-once acquire found the lock held; in the bulk workloads, whose names are all distinct, a bug. */
final class BusyException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  BusyException(String lockName) {
    super("lock '" + lockName + "' is unexpectedly held by another owner");
  }
}
