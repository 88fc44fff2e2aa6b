package io.holdfast.concurrent;

import io.holdfast.Lease;
import io.holdfast.OwnerToken;

/*
 * Where a HoldfastLock keeps the holds of its callers, one implementation per Ownership. HoldfastLock does the
 * waiting and the checks; a Holds only records grants, so each implementation has to be safe for its own sharing:
 * ThreadHolds is touched by one thread per hold, SharedHolds by any thread, through a concurrent deque.
 */
interface Holds {
  /** The owner every acquire uses, or null for a fresh one per first hold. */
  OwnerToken owner();

  /** The caller's current lease (the one a re-entry or a check is about), or null. */
  Lease current();

  /** Counts a re-entry without the backend when this kind of holds can; false means ask the backend. */
  boolean reenterLocally();

  /** Records a lease the backend granted to the caller. */
  void add(Lease lease);

  /**
   * Takes one hold away.
   *
   * @return the lease to release in the backend, or null when the caller still has holds
   * @throws IllegalMonitorStateException when the caller has none
   */
  Lease remove(String lockName);

  /** How many unlocks the caller still owes. */
  int count();

  /** Whether any thread of this process has holds here. */
  boolean anyHeld();
}
