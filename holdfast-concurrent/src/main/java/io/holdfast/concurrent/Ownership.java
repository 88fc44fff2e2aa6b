package io.holdfast.concurrent;

/** Who owns the holds of a {@link HoldfastLock}, and so who excludes whom and who may unlock. */
public enum Ownership {
  /**
   * Each thread is its own owner (the default), as with {@link java.util.concurrent.locks.ReentrantLock}: the lock
   * excludes the other threads of this process as well as other processes, a thread re-enters its own holds
   * locally, and only the locking thread may unlock.
   */
  PER_THREAD,
  /**
   * One owner for every thread that uses the lock object: it excludes other processes (and other lock objects)
   * but not the threads sharing it, which re-enter each other's hold through the backend; any of them may unlock
   * any hold. For work that locks on one thread and unlocks on another (callbacks, futures, virtual-thread
   * hand-offs). Each lock and unlock is a backend call, and each unlock of a lost lease throws.
   */
  SHARED
}
