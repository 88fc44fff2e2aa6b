package io.holdfast.concurrent;

import io.holdfast.Lease;
import io.holdfast.OwnerToken;
import java.util.concurrent.atomic.AtomicInteger;

/* Ownership.PER_THREAD: each thread's hold is in a ThreadLocal that no other thread reads, so the count needs no
 * guard; only the number of holding threads is shared, and it is atomic. */
final class ThreadHolds implements Holds {
  private final ThreadLocal<Hold> holds = new ThreadLocal<>();
  private final AtomicInteger holdingThreads = new AtomicInteger();

  @Override
  public OwnerToken owner() {
    return null;
  }

  @Override
  public Lease current() {
    Hold hold = holds.get();
    return hold == null ? null : hold.lease;
  }

  @Override
  public boolean reenterLocally() {
    holds.get().count++;
    return true;
  }

  @Override
  public void add(Lease lease) {
    holds.set(new Hold(lease));
    holdingThreads.incrementAndGet();
  }

  @Override
  public Lease remove(String lockName) {
    Hold hold = holds.get();
    if (hold == null) {
      throw new IllegalMonitorStateException("lock '" + lockName + "' is not held by thread "
          + Thread.currentThread().getName());
    }
    if (--hold.count > 0) {
      return null;
    }
    holds.remove();
    holdingThreads.decrementAndGet();
    return hold.lease;
  }

  @Override
  public int count() {
    Hold hold = holds.get();
    return hold == null ? 0 : hold.count;
  }

  @Override
  public boolean anyHeld() {
    return holdingThreads.get() > 0;
  }

  /* One thread's hold: the lease of its first lock and how many unlocks it still owes. */
  private static final class Hold {
    private final Lease lease;
    private int count = 1;

    Hold(Lease lease) {
      this.lease = lease;
    }
  }
}
