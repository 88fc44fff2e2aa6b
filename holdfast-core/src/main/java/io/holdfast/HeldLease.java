package io.holdfast;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/*
 * One hold handed to the caller. Validity and loss live in the shared Grant; this object only adds "was this hold
 * released", guarded by a compare-and-set so that two threads releasing the same lease cannot release two holds.
 */
final class HeldLease implements Lease {
  private final Grant grant;
  private final LockClient client;
  private final int holdCount;
  private final Instant acquiredAt;
  private final boolean autoRenew;
  private final LeaseLostListener listener;
  private final AtomicBoolean released = new AtomicBoolean();

  HeldLease(Grant grant, LockClient client, int holdCount, Instant acquiredAt, AcquireRequest request) {
    this.grant = grant;
    this.client = client;
    this.holdCount = holdCount;
    this.acquiredAt = acquiredAt;
    this.autoRenew = request.autoRenew();
    this.listener = request.leaseLostListener();
  }

  Grant grant() {
    return grant;
  }

  boolean autoRenew() {
    return autoRenew;
  }

  LeaseLostListener listener() {
    return listener;
  }

  /** Claims the right to release this hold; only the first caller gets true. */
  boolean claimRelease() {
    return released.compareAndSet(false, true);
  }

  boolean isReleased() {
    return released.get();
  }

  @Override
  public LockName name() {
    return grant.key().name();
  }

  @Override
  public OwnerToken owner() {
    return grant.key().owner();
  }

  @Override
  public FencingToken fencingToken() {
    return grant.key().token();
  }

  @Override
  public int holdCount() {
    return holdCount;
  }

  @Override
  public Instant acquiredAt() {
    return acquiredAt;
  }

  @Override
  public Duration leaseTtl() {
    return grant.ttl();
  }

  @Override
  public boolean isValid() {
    return !released.get() && grant.isValidAt(System.nanoTime());
  }

  @Override
  public Duration remainingValidity() {
    if (!isValid()) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, grant.validUntilNanos() - System.nanoTime()));
  }

  @Override
  public void release() {
    Failures.join(releaseAsync(), "release of lock '" + name() + "'");
  }

  @Override
  public CompletableFuture<Void> releaseAsync() {
    return client.release(this, false);
  }

  @Override
  public void renew() {
    Failures.join(renewAsync(), "renewal of lock '" + name() + "'");
  }

  @Override
  public CompletableFuture<Void> renewAsync() {
    return client.renew(this);
  }

  @Override
  public void close() {
    Failures.join(client.release(this, true), "release of lock '" + name() + "'");
  }

  @Override
  public String toString() {
    return "Lease[lock=" + name() + ", owner=" + owner() + ", token=" + fencingToken() + ", holds=" + holdCount
        + ", valid=" + isValid() + "]";
  }
}
