package io.holdfast.concurrent;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LeaseLostListener;
import io.holdfast.LockName;
import java.time.Duration;
import java.util.Objects;

/*
 * The configuration of a HoldfastLock, apart from the lock itself: the lock's behaviour (holds, re-entry, loss) is
 * in HoldfastLock, what a user chooses before the first hold is here. Fields are package-private and read once, by
 * HoldfastLock's constructor.
 */
/** Configures a {@link HoldfastLock}; not thread-safe. */
public final class HoldfastLockBuilder {
  final Holdfast holdfast;
  final LockName name;
  Duration leaseTtl = HoldfastLock.DEFAULT_LEASE_TTL;
  LeaseLostListener listener = AcquireRequest.NO_LISTENER;
  Ownership ownership = Ownership.PER_THREAD;

  HoldfastLockBuilder(Holdfast holdfast, LockName name) {
    this.holdfast = Objects.requireNonNull(holdfast, "holdfast");
    this.name = name;
  }

  /**
   * Sets the lease TTL of each thread's first hold: how long the lock outlives a process that died holding it.
   *
   * @param value between {@link AcquireRequest#MIN_TTL} and {@link AcquireRequest#MAX_TTL}
   * @return this builder
   */
  public HoldfastLockBuilder leaseTtl(Duration value) {
    this.leaseTtl = Objects.requireNonNull(value, "leaseTtl");
    return this;
  }

  /**
   * Sets who is told when a thread's lease is lost while held; see {@link LeaseLostListener} for the thread it
   * runs on.
   *
   * @param value the listener
   * @return this builder
   */
  public HoldfastLockBuilder onLeaseLost(LeaseLostListener value) {
    this.listener = Objects.requireNonNull(value, "listener");
    return this;
  }

  /**
   * Sets who owns the holds: {@link Ownership#PER_THREAD} (the default) or {@link Ownership#SHARED}.
   *
   * @param value the ownership
   * @return this builder
   */
  public HoldfastLockBuilder ownership(Ownership value) {
    this.ownership = Objects.requireNonNull(value, "ownership");
    return this;
  }

  /**
   * Builds the lock.
   *
   * @return the lock
   * @throws InvalidArgumentException when the lease TTL is out of range
   */
  public HoldfastLock build() {
    return new HoldfastLock(this);
  }
}
