package io.holdfast;

import io.holdfast.internal.HolderTable;
import io.holdfast.internal.HolderTable.Space;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReadWriteLockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import io.holdfast.spi.SemaphoreBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/*
 * The embedded backend's read/write lock and semaphore: the store's HolderTable (the Redis holder scripts' rules,
 * step by step) behind the two SPIs. It only maps names, members and outcomes; every call is one atomic table
 * method and completes at once, as the rest of the embedded backend does.
 */
final class EmbeddedPrimitives implements ReadWriteLockBackend, SemaphoreBackend {
  private final EmbeddedStore store;

  EmbeddedPrimitives(EmbeddedStore store) {
    this.store = store;
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireRead(LockName name, OwnerToken owner, Duration ttl,
      long requestId, boolean yieldToWriters) {
    return outcome(name, store.holders().acquireReadWrite(name.value(), false, owner.value(), ttl, requestId,
        yieldToWriters, Duration.ZERO));
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireWrite(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration announce) {
    return outcome(name, store.holders().acquireReadWrite(name.value(), true, owner.value(), ttl, requestId,
        false, announce));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(Side side, LockName name, OwnerToken owner, FencingToken token,
      long requestId) {
    return released(store.holders().release(Space.READ_WRITE, name.value(), member(side, owner), owner.value(),
        token.value(), requestId));
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewEach(Side side, List<RenewRequest> leases) {
    return renewed(Space.READ_WRITE, leases.stream().map(lease -> renewal(lease, member(side, lease.owner())))
        .toList());
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribeReadWrite(LockName name, Runnable onRelease) {
    Runnable unsubscribe = store.subscribe(Space.READ_WRITE, name, onRelease);
    return CompletableFuture.completedFuture(unsubscribe::run);
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquirePermit(LockName name, int permits, OwnerToken owner, Duration ttl,
      long requestId) {
    return outcome(name, store.holders().acquirePermit(name.value(), permits, owner.value(), ttl, requestId));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> releasePermit(LockName name, OwnerToken owner, FencingToken token,
      long requestId) {
    return released(store.holders().release(Space.SEMAPHORE, name.value(), HolderTable.permit(owner.value()),
        owner.value(), token.value(), requestId));
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewPermits(List<RenewRequest> leases) {
    return renewed(Space.SEMAPHORE, leases.stream()
        .map(lease -> renewal(lease, HolderTable.permit(lease.owner().value()))).toList());
  }

  @Override
  public CompletableFuture<Integer> permitsHeld(LockName name) {
    return CompletableFuture.completedFuture(store.holders().held(Space.SEMAPHORE, name.value()));
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribePermits(LockName name, Runnable onRelease) {
    Runnable unsubscribe = store.subscribe(Space.SEMAPHORE, name, onRelease);
    return CompletableFuture.completedFuture(unsubscribe::run);
  }

  private static String member(Side side, OwnerToken owner) {
    return side == Side.WRITE ? HolderTable.WRITER : HolderTable.reader(owner.value());
  }

  private static HolderTable.Renewal renewal(RenewRequest lease, String member) {
    return new HolderTable.Renewal(lease.name().value(), member, lease.owner().value(),
        lease.fencingToken().value(), lease.ttl());
  }

  private CompletableFuture<List<RenewOutcome>> renewed(Space space, List<HolderTable.Renewal> renewals) {
    return CompletableFuture.completedFuture(store.holders().renew(space, renewals).stream()
        .map(ok -> ok ? RenewOutcome.RENEWED : RenewOutcome.NOT_HELD).toList());
  }

  private static CompletableFuture<ReleaseOutcome> released(long holds) {
    return CompletableFuture.completedFuture(holds < 0 ? new ReleaseOutcome.NotOwner()
        : new ReleaseOutcome.Released((int) holds));
  }

  private static CompletableFuture<AcquireOutcome> outcome(LockName name, HolderTable.Outcome outcome) {
    if (outcome instanceof HolderTable.Granted granted) {
      return CompletableFuture.completedFuture(
          new AcquireOutcome.Granted(new FencingToken(granted.token()), granted.holds()));
    }
    if (outcome instanceof HolderTable.Busy busy) {
      return CompletableFuture.completedFuture(new AcquireOutcome.Busy(busy.remaining()));
    }
    return CompletableFuture.failedFuture(ReadWriteLockBackend.upgradeRefused(name));
  }
}
