package io.holdfast.concurrent;

import io.holdfast.Lease;
import io.holdfast.OwnerToken;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

/* Ownership.SHARED: one owner token for the lock object, so the backend counts the holds (every lock is an acquire
 * that re-enters, every unlock a release); this keeps only the leases, in a concurrent deque, and any thread may take
 * one back. Two threads acquiring at once are ordered by the backend's atomic script, not here. */
final class SharedHolds implements Holds {
  private final OwnerToken owner = OwnerToken.random();
  private final Deque<Lease> leases = new ConcurrentLinkedDeque<>();

  @Override
  public OwnerToken owner() {
    return owner;
  }

  @Override
  public Lease current() {
    return leases.peekFirst();
  }

  @Override
  public boolean reenterLocally() {
    return false;
  }

  @Override
  public void add(Lease lease) {
    leases.addFirst(lease);
  }

  @Override
  public Lease remove(String lockName) {
    Lease lease = leases.pollFirst();
    if (lease == null) {
      throw new IllegalMonitorStateException("lock '" + lockName + "' is not held by its shared owner");
    }
    return lease;
  }

  @Override
  public int count() {
    return leases.size();
  }

  @Override
  public boolean anyHeld() {
    return !leases.isEmpty();
  }
}
