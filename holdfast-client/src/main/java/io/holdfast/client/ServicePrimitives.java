package io.holdfast.client;

import io.holdfast.FencingToken;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.CountPermitsRequest;
import io.holdfast.api.v1.HolderAcquireRequest;
import io.holdfast.api.v1.HolderKind;
import io.holdfast.api.v1.HolderReleaseRequest;
import io.holdfast.api.v1.HolderRenewRequest;
import io.holdfast.api.v1.HolderWatchRequest;
import io.holdfast.api.v1.LeaseRenewal;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReadWriteLockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import io.holdfast.spi.SemaphoreBackend;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/*
 * The read/write lock and the semaphore over the lock service (PrimitiveService), so that the client engine's
 * handles work against holdfast:// as against redis://. Each SPI step is one unary call that the service answers
 * with one step of the library's scripts; the engine does the waiting (woken by a WatchHolders stream per name, as
 * it is by Watch over the unary fallback), the retries (every call carries the engine's request id, or is checked
 * by owner and token) and the batched renewal (one RenewHolders per kind and tick). Holds are leases of their own,
 * not bound to the client's session, so nothing here depends on it: a lost session loses no hold. Stateless apart
 * from the channel; thread-safe.
 */
final class ServicePrimitives implements ReadWriteLockBackend, SemaphoreBackend {
  private final ServiceChannel channel;
  private final ScheduledExecutorService timer;

  ServicePrimitives(ServiceChannel channel, ScheduledExecutorService timer) {
    this.channel = channel;
    this.timer = timer;
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireRead(LockName name, OwnerToken owner, Duration ttl,
      long requestId, boolean yieldToWriters) {
    return acquire(request(HolderKind.READ, name, owner, ttl, requestId).setYieldToWriters(yieldToWriters));
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireWrite(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration announce) {
    return acquire(request(HolderKind.WRITE, name, owner, ttl, requestId).setAnnounceMs(announce.toMillis()));
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquirePermit(LockName name, int permits, OwnerToken owner,
      Duration ttl, long requestId) {
    return acquire(request(HolderKind.PERMIT, name, owner, ttl, requestId).setPermits(permits));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(Side side, LockName name, OwnerToken owner,
      FencingToken fencingToken, long requestId) {
    return release(kind(side), name, owner, fencingToken, requestId);
  }

  @Override
  public CompletableFuture<ReleaseOutcome> releasePermit(LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId) {
    return release(HolderKind.PERMIT, name, owner, fencingToken, requestId);
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewEach(Side side, List<RenewRequest> leases) {
    return renew(kind(side), leases);
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewPermits(List<RenewRequest> leases) {
    return renew(HolderKind.PERMIT, leases);
  }

  @Override
  public CompletableFuture<Integer> permitsHeld(LockName name) {
    return Rpc.call(channel.primitives::countPermits, CountPermitsRequest.newBuilder().setName(name.value()).build())
        .handle((reply, failure) -> {
          if (failure != null) {
            throw Rpc.toHoldfast(failure, "count of the permits of semaphore '" + name + "'");
          }
          return reply.getHeld();
        });
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribeReadWrite(LockName name, Runnable onRelease) {
    return watch(HolderKind.READ, name, onRelease);
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribePermits(LockName name, Runnable onRelease) {
    return watch(HolderKind.PERMIT, name, onRelease);
  }

  private static HolderAcquireRequest.Builder request(HolderKind kind, LockName name, OwnerToken owner,
      Duration ttl, long requestId) {
    return HolderAcquireRequest.newBuilder().setKind(kind).setName(name.value()).setOwner(owner.value())
        .setLeaseTtlMs(ttl.toMillis()).setRequestId(requestId);
  }

  private CompletableFuture<AcquireOutcome> acquire(HolderAcquireRequest.Builder request) {
    return Rpc.call(channel.primitives::acquireHolder, request.build()).handle((reply, failure) -> {
      if (failure != null) {
        throw Rpc.toHoldfast(failure, "acquire of " + describe(request.getKind(), request.getName()));
      }
      return outcome(reply);
    });
  }

  private static AcquireOutcome outcome(AcquireResponse reply) {
    if (!reply.getAcquired()) {
      return new AcquireOutcome.Busy(Duration.ofMillis(reply.getHolderRemainingMs()));
    }
    return new AcquireOutcome.Granted(new FencingToken(reply.getFencingToken()), reply.getHoldCount());
  }

  private CompletableFuture<ReleaseOutcome> release(HolderKind kind, LockName name, OwnerToken owner,
      FencingToken token, long requestId) {
    HolderReleaseRequest request = HolderReleaseRequest.newBuilder().setKind(kind).setName(name.value())
        .setOwner(owner.value()).setFencingToken(token.value()).setRequestId(requestId).build();
    return Rpc.call(channel.primitives::releaseHolder, request).handle((reply, failure) -> {
      if (failure == null) {
        return new ReleaseOutcome.Released(reply.getRemainingHolds());
      }
      if (Rpc.isNotOwner(failure)) {
        return new ReleaseOutcome.NotOwner();
      }
      throw Rpc.toHoldfast(failure, "release of " + describe(kind, name.value()));
    });
  }

  private CompletableFuture<List<RenewOutcome>> renew(HolderKind kind, List<RenewRequest> leases) {
    if (leases.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    HolderRenewRequest.Builder request = HolderRenewRequest.newBuilder().setKind(kind);
    for (RenewRequest lease : leases) {
      request.addRenewals(LeaseRenewal.newBuilder().setName(lease.name().value()).setOwner(lease.owner().value())
          .setFencingToken(lease.fencingToken().value()).setLeaseTtlMs(lease.ttl().toMillis()));
    }
    return Rpc.call(channel.primitives::renewHolders, request.build()).handle((reply, failure) -> {
      if (failure != null) {
        throw Rpc.toHoldfast(failure, "renewal of " + leases.size() + " " + kind.name().toLowerCase(Locale.ROOT)
            + " hold(s)");
      }
      return reply.getRenewedList().stream().map(ok -> ok ? RenewOutcome.RENEWED : RenewOutcome.NOT_HELD).toList();
    });
  }

  private CompletableFuture<ReleaseSubscription> watch(HolderKind kind, LockName name, Runnable onRelease) {
    HolderWatchRequest request = HolderWatchRequest.newBuilder().setKind(kind).setName(name.value()).build();
    return new ReleaseWatch(timer, describe(kind, name.value()),
        observer -> channel.primitiveWatches.watchHolders(request, observer), onRelease).start();
  }

  private static HolderKind kind(Side side) {
    return side == Side.WRITE ? HolderKind.WRITE : HolderKind.READ;
  }

  private static String describe(HolderKind kind, String name) {
    return (kind == HolderKind.PERMIT ? "semaphore '" : "read/write lock '") + name + "'";
  }
}
