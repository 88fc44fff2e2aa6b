package io.holdfast.spring.integration;

import io.holdfast.FencingToken;
import io.holdfast.LeaseLostException;
import io.holdfast.concurrent.HoldfastLock;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.springframework.integration.support.locks.DistributedLock;

/**
 * A lock of a {@link HoldfastLockRegistry}: a {@link HoldfastLock} (owner per thread, re-entrant, renewed while
 * held) with Spring Integration's {@link DistributedLock} TTL methods and {@code RedisLockRegistry}'s exceptions:
 * an unlock by a thread that does not hold it throws {@link IllegalStateException}, and the last unlock of a lost
 * lease throws {@link ConcurrentModificationException} (the {@link LeaseLostException} is its cause). Everything else
 * is {@link HoldfastLock}'s; see there what {@code Lock} cannot express about lease loss and how it is reported.
 */
public final class HoldfastRegistryLock implements DistributedLock {
  private final String key;
  private final HoldfastLock lock;
  private volatile long lastLockedAtMillis = System.currentTimeMillis();

  HoldfastRegistryLock(String key, HoldfastLock lock) {
    this.key = key;
    this.lock = lock;
  }

  /** Acquires the lock, waiting as long as it takes; see {@link HoldfastLock#lock()}. */
  @Override
  public void lock() {
    touch();
    lock.lock();
  }

  /**
   * Acquires the lock with a lease of {@code ttl} for this thread's first hold; see
   * {@link HoldfastLock#lockFor(Duration)}.
   *
   * @param ttl the lease TTL, renewed while held
   */
  @Override
  public void lock(Duration ttl) {
    touch();
    lock.lockFor(ttl);
  }

  /**
   * Acquires the lock unless interrupted; see {@link HoldfastLock#lockInterruptibly()}.
   *
   * @throws InterruptedException when interrupted; nothing is held
   */
  @Override
  public void lockInterruptibly() throws InterruptedException {
    touch();
    lock.lockInterruptibly();
  }

  /**
   * Acquires the lock if free now; see {@link HoldfastLock#tryLock()}.
   *
   * @return whether this thread holds it now
   */
  @Override
  public boolean tryLock() {
    touch();
    return lock.tryLock();
  }

  /**
   * Acquires the lock, waiting at most {@code time}; see {@link HoldfastLock#tryLock(long, TimeUnit)}.
   *
   * @param time the longest wait
   * @param unit its unit
   * @return whether this thread holds it now
   * @throws InterruptedException when interrupted; nothing is held
   */
  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    touch();
    return lock.tryLock(time, unit);
  }

  /**
   * Spring Integration's {@code tryLock(waitTime, ttl)}, in its argument order (the wait first, as Redisson's
   * {@code tryLock(wait, lease, unit)}): waits at most {@code waitTime} for a lease of {@code ttl}.
   *
   * @param waitTime the longest wait
   * @param ttl the lease TTL of this thread's first hold, renewed while held
   * @return whether this thread holds it now
   * @throws InterruptedException when interrupted; nothing is held
   */
  @Override
  public boolean tryLock(Duration waitTime, Duration ttl) throws InterruptedException {
    touch();
    return lock.tryLockFor(ttl, waitTime);
  }

  /**
   * Releases one hold of this thread.
   *
   * @throws IllegalStateException when this thread does not hold the lock
   * @throws ConcurrentModificationException on the last hold, when the lease had been lost: the guarded work may
   *     not have been exclusive (the thread holds nothing afterwards)
   */
  @Override
  public void unlock() {
    try {
      lock.unlock();
    } catch (IllegalMonitorStateException e) {
      throw new IllegalStateException("You do not own lock at '" + key + "'", e);
    } catch (LeaseLostException e) {
      throw new ConcurrentModificationException("Lock was released in the store due to expiration. The integrity"
          + " of data protected by lock '" + key + "' may have been compromised.", e);
    }
  }

  /**
   * Refused; see {@link HoldfastLock#newCondition()}.
   *
   * @return never
   * @throws UnsupportedOperationException always
   */
  @Override
  public Condition newCondition() {
    return lock.newCondition();
  }

  /**
   * The fencing token of this thread's hold; see {@link HoldfastLock#fencingToken()}.
   *
   * @return the token to pass to the resource with each guarded write
   */
  public FencingToken fencingToken() {
    return lock.fencingToken();
  }

  /**
   * The {@link HoldfastLock} behind this lock, for its hold count, lease and checks.
   *
   * @return never null
   */
  public HoldfastLock unwrap() {
    return lock;
  }

  long lastLockedAtMillis() {
    return lastLockedAtMillis;
  }

  private void touch() {
    lastLockedAtMillis = System.currentTimeMillis();
  }

  @Override
  public String toString() {
    return "HoldfastRegistryLock[" + key + "] " + lock;
  }
}
