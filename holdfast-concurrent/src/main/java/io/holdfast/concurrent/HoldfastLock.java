package io.holdfast.concurrent;

import io.holdfast.AcquireRequest;
import io.holdfast.ErrorCode;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.InvalidArgumentException;
import io.holdfast.Lease;
import io.holdfast.LeaseLostException;
import io.holdfast.LeaseLostListener;
import io.holdfast.LockName;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A Holdfast lock behind {@link Lock}, for code written against {@code java.util.concurrent} (and libraries that
 * take a {@code Lock}). By default each thread is its own owner, as with
 * {@link java.util.concurrent.locks.ReentrantLock}: the lock excludes other threads of this process as well as other
 * processes, a thread re-enters a lock it holds (a local count, no backend call), and only the thread that locked may
 * unlock. {@link Ownership#SHARED} makes one owner of all the threads using the lock object instead (lock on one
 * thread, unlock on another); "this thread" below then means "this lock object".
 *
 * <pre>{@code
 * Lock lock = HoldfastLock.builder(holdfast, "orders/42").leaseTtl(Duration.ofSeconds(10)).build();
 * lock.lock();
 * try {
 *   store.write(record, ((HoldfastLock) lock).fencingToken());
 * } finally {
 *   lock.unlock();
 * }
 * }</pre>
 *
 * <p><b>Lease.</b> The first hold of a thread acquires a lease of
 * {@link HoldfastLockBuilder#leaseTtl(Duration)} (30 s unless
 * set), renewed in the background until the last {@link #unlock()}. A process that dies holds the lock at most
 * one lease TTL longer.
 *
 * <p><b>What {@code Lock} cannot say: the lease can be lost while held</b> (a partition longer than the lease, a
 * paused process, an administrator's forced release). A {@code ReentrantLock} never stops being held; this one can.
 * The adapter reports a loss in four ways, from the earliest to the last resort:
 * <ul>
 *   <li>the {@link HoldfastLockBuilder#onLeaseLost(LeaseLostListener) listener}, called on a Holdfast thread as soon as the
 *       loss is known: interrupt or cancel the guarded work there;</li>
 *   <li>{@link #fencingToken()} throws {@link LeaseLostException}: call it right before each guarded write and
 *       pass the token to the resource, which refuses tokens older than the newest it has seen;</li>
 *   <li>{@link #isHeldByCurrentThread()} turns false (while {@link #getHoldCount()} still counts the holds
 *       that must be unlocked);</li>
 *   <li>the last {@link #unlock()} throws {@link LeaseLostException}: the guarded work may not have been
 *       exclusive. The thread's holds are gone all the same, so the lock can be taken again.</li>
 * </ul>
 * Re-entering a lost hold ({@code lock} or {@code tryLock} while this thread's lease is lost) throws
 * {@link LeaseLostException} rather than pretend to hold it.
 *
 * <p><b>Failures.</b> {@link io.holdfast.BackendUnavailableException} (unchecked) comes out of the lock methods
 * when the backend stays unreachable; nothing is then held. {@link #lock()} waits without end and is not
 * interruptible (the interrupt flag is set again when it returns); {@link #lockInterruptibly()} and
 * {@link #tryLock(long, TimeUnit)} throw {@link InterruptedException} as {@code Lock} says.
 *
 * <p>{@link #newCondition()} is refused: a condition needs waiters and signals shared across processes, which a
 * lease does not give. One {@code HoldfastLock} per lock name and client is enough for a whole process; it is
 * thread-safe.
 */
public final class HoldfastLock implements Lock {
  /** The lease TTL when {@link HoldfastLockBuilder#leaseTtl(Duration)} is not called: as Redisson's watchdog. */
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);

  private final Holdfast holdfast;
  private final LockName name;
  private final Duration leaseTtl;
  private final LeaseLostListener listener;
  private final Holds holds;

  HoldfastLock(HoldfastLockBuilder builder) {
    this.holdfast = builder.holdfast;
    this.name = builder.name;
    this.leaseTtl = builder.leaseTtl;
    this.listener = builder.listener;
    this.holds = builder.ownership == Ownership.SHARED ? new SharedHolds() : new ThreadHolds();
    // Validates the TTL now rather than at the first lock.
    AcquireRequest.of(name.value(), leaseTtl);
  }

  /**
   * A lock with the default lease TTL ({@link #DEFAULT_LEASE_TTL}) and no loss listener.
   *
   * @param holdfast the client that holds the leases; it must outlive the lock's use
   * @param name the lock name
   * @return the lock
   * @throws InvalidArgumentException when the name is invalid
   */
  public static HoldfastLock of(Holdfast holdfast, String name) {
    return builder(holdfast, name).build();
  }

  /**
   * Starts configuring a lock.
   *
   * @param holdfast the client that holds the leases; it must outlive the lock's use
   * @param name the lock name
   * @return a builder
   * @throws InvalidArgumentException when the name is invalid
   */
  public static HoldfastLockBuilder builder(Holdfast holdfast, String name) {
    return new HoldfastLockBuilder(holdfast, LockName.of(name));
  }

  /**
   * The lock's name.
   *
   * @return never null
   */
  public LockName name() {
    return name;
  }

  /**
   * Acquires the lock, waiting as long as it takes; re-enters at once when this thread holds it.
   *
   * @throws LeaseLostException when this thread's hold is already lost (unlock its holds first)
   * @throws io.holdfast.BackendUnavailableException when the backend stays unreachable; nothing is held
   */
  @Override
  public void lock() {
    lockFor(leaseTtl);
  }

  /**
   * {@link #lock()} with another lease TTL for this thread's first hold (a re-entry keeps the hold's lease).
   *
   * @param leaseTtl how long the backend keeps the lease between renewals
   * @throws InvalidArgumentException when the TTL is out of range
   * @throws LeaseLostException when this thread's hold is already lost
   */
  public void lockFor(Duration leaseTtl) {
    if (reenter()) {
      return;
    }
    AcquireRequest request = request(leaseTtl, AcquireRequest.WAIT_FOREVER);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          hold(holdfast.acquire(request));
          return;
        } catch (HoldfastException e) {
          if (e.code() != ErrorCode.INTERRUPTED) {
            throw e;
          }
          // Lock.lock() is not interruptible: the cancelled wait released any racing grant; wait again.
          interrupted |= Thread.interrupted();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Acquires the lock unless interrupted, waiting as long as it takes.
   *
   * @throws InterruptedException when interrupted before or while waiting; nothing is held
   * @throws LeaseLostException when this thread's hold is already lost
   */
  @Override
  public void lockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("lockInterruptibly of lock '" + name + "'");
    }
    if (!reenter()) {
      hold(interruptibly(() -> holdfast.acquire(request(leaseTtl, AcquireRequest.WAIT_FOREVER))));
    }
  }

  /**
   * Acquires the lock if it is free now (one backend call, no wait).
   *
   * @return whether this thread holds the lock now
   * @throws LeaseLostException when this thread's hold is already lost
   */
  @Override
  public boolean tryLock() {
    if (reenter()) {
      return true;
    }
    Optional<Lease> lease = holdfast.tryAcquire(request(leaseTtl, Duration.ZERO));
    lease.ifPresent(this::hold);
    return lease.isPresent();
  }

  /**
   * Acquires the lock, waiting at most {@code time}. The only duration here is the wait: the lease TTL is the
   * lock's ({@link HoldfastLockBuilder#leaseTtl(Duration)}), so the two cannot be swapped.
   *
   * @param time the longest wait; zero or less tries once
   * @param unit the unit of {@code time}
   * @return whether this thread holds the lock now
   * @throws InterruptedException when interrupted while waiting; nothing is held
   * @throws LeaseLostException when this thread's hold is already lost
   */
  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    return tryLock(Duration.ofNanos(Math.max(0, unit.toNanos(time))));
  }

  /**
   * {@link #tryLock(long, TimeUnit)} with a {@code Duration}.
   *
   * @param waitTimeout the longest wait; zero tries once
   * @return whether this thread holds the lock now
   * @throws InterruptedException when interrupted while waiting; nothing is held
   */
  public boolean tryLock(Duration waitTimeout) throws InterruptedException {
    return tryLockFor(leaseTtl, waitTimeout);
  }

  /**
   * {@link #tryLock(Duration)} with another lease TTL for this thread's first hold: lock for {@code leaseTtl},
   * waiting at most {@code waitTimeout}.
   *
   * @param leaseTtl how long the backend keeps the lease between renewals
   * @param waitTimeout the longest wait; zero tries once
   * @return whether this thread holds the lock now
   * @throws InterruptedException when interrupted while waiting; nothing is held
   */
  public boolean tryLockFor(Duration leaseTtl, Duration waitTimeout) throws InterruptedException {
    Objects.requireNonNull(waitTimeout, "waitTimeout");
    if (Thread.interrupted()) {
      throw new InterruptedException("tryLock of lock '" + name + "'");
    }
    if (reenter()) {
      return true;
    }
    Duration wait = waitTimeout.isNegative() ? Duration.ZERO : waitTimeout;
    Optional<Lease> lease = interruptibly(() -> holdfast.tryAcquire(request(leaseTtl, wait)));
    lease.ifPresent(this::hold);
    return lease.isPresent();
  }

  /**
   * Releases one hold of this thread; the last one releases the lease in the backend and wakes waiters.
   *
   * @throws IllegalMonitorStateException when this thread does not hold the lock (as {@code ReentrantLock})
   * @throws LeaseLostException on the last hold, when the lease had been lost: the guarded work may not have
   *     been exclusive. The thread holds nothing afterwards either way.
   * @throws io.holdfast.BackendUnavailableException when the backend stayed unreachable; the lease then ends
   *     at its TTL and the thread holds nothing
   */
  @Override
  public void unlock() {
    Lease last = holds.remove(name.value());
    if (last != null) {
      last.release();
    }
  }

  /**
   * Refused: a {@link Condition} needs waiters and signals shared by every holder, across processes.
   *
   * @return never
   * @throws UnsupportedOperationException always
   */
  @Override
  public Condition newCondition() {
    throw new UnsupportedOperationException("HoldfastLock '" + name + "' has no Condition: its waiters would be in"
        + " other processes; wait on the resource itself (a queue, a key's version) instead");
  }

  /**
   * Whether this thread holds the lock and its lease is still valid.
   *
   * @return false when not locked by this thread or when the lease is lost
   */
  public boolean isHeldByCurrentThread() {
    Lease lease = holds.current();
    return lease != null && lease.isValid();
  }

  /**
   * How many times this thread must still {@link #unlock()}, lost lease or not.
   *
   * @return zero when not locked by this thread
   */
  public int getHoldCount() {
    return holds.count();
  }

  /**
   * The fencing token of this thread's hold, checked: pass it to the resource with each guarded write.
   *
   * @return the token of the current grant
   * @throws IllegalMonitorStateException when this thread does not hold the lock
   * @throws LeaseLostException when the lease is lost (or no longer valid by the local view)
   */
  public FencingToken fencingToken() {
    Lease lease = holds.current();
    if (lease == null) {
      throw new IllegalMonitorStateException("lock '" + name + "' is not held by thread "
          + Thread.currentThread().getName());
    }
    if (!lease.isValid()) {
      throw lost();
    }
    return lease.fencingToken();
  }

  /**
   * This thread's lease, for what the {@code Lock} view hides (remaining validity, owner, renew by hand). Release
   * it only through {@link #unlock()}.
   *
   * @return the lease, or empty when this thread does not hold the lock
   */
  public Optional<Lease> currentLease() {
    return Optional.ofNullable(holds.current());
  }

  @Override
  public String toString() {
    Lease lease = holds.current();
    return "HoldfastLock[" + name + (lease == null ? ", not held by this thread]"
        : ", held by this thread " + holds.count() + "x, token " + lease.fencingToken() + "]");
  }

  /**
   * Whether some thread of this process holds the lock through this object (a lost hold counts until it is
   * unlocked). For housekeeping such as dropping unused lock objects; says nothing about other processes.
   *
   * @return true while any thread's holds are not all unlocked
   */
  public boolean isHeldInThisProcess() {
    return holds.anyHeld();
  }

  private void hold(Lease lease) {
    holds.add(lease);
  }

  private boolean reenter() {
    Lease lease = holds.current();
    if (lease == null) {
      return false;
    }
    if (!lease.isValid()) {
      throw lost();
    }
    return holds.reenterLocally();
  }

  private LeaseLostException lost() {
    return new LeaseLostException("lease of lock '" + name + "' held by thread " + Thread.currentThread().getName()
        + " was lost; unlock() its " + getHoldCount() + " hold(s) and lock again");
  }

  private AcquireRequest request(Duration ttl, Duration wait) {
    AcquireRequest request = AcquireRequest.of(name.value(), ttl).withWait(wait).onLeaseLost(listener);
    return holds.owner() == null ? request : request.withOwner(holds.owner());
  }

  /* Holdfast reports an interrupted wait as INTERRUPTED with the flag set again; Lock callers expect the checked
   * exception with the flag cleared, as Object.wait and ReentrantLock do. */
  private <T> T interruptibly(Wait<T> wait) throws InterruptedException {
    try {
      return wait.run();
    } catch (HoldfastException e) {
      if (e.code() == ErrorCode.INTERRUPTED) {
        Thread.interrupted();
        InterruptedException interrupted = new InterruptedException(e.getMessage());
        interrupted.initCause(e);
        throw interrupted;
      }
      throw e;
    }
  }

  @FunctionalInterface
  private interface Wait<T> {
    T run();
  }
}
