package io.holdfast.server;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.holdfast.FencingToken;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.CountPermitsRequest;
import io.holdfast.api.v1.CountPermitsResponse;
import io.holdfast.api.v1.HolderAcquireRequest;
import io.holdfast.api.v1.HolderKind;
import io.holdfast.api.v1.HolderReleaseRequest;
import io.holdfast.api.v1.HolderRenewRequest;
import io.holdfast.api.v1.HolderRenewResponse;
import io.holdfast.api.v1.HolderWatchRequest;
import io.holdfast.api.v1.LeaseRenewal;
import io.holdfast.api.v1.PrimitiveServiceGrpc;
import io.holdfast.api.v1.ReleaseResponse;
import io.holdfast.api.v1.WatchEvent;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReadWriteLockBackend.Side;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/*
 * PrimitiveService: the read/write lock and the semaphore through the service, one library step per call
 * (PrimitiveBackends; no grant rule here). What the service adds is scope: a name is the caller's tenant's
 * (LockKey's <tenant>/<name>, so the Redis keys are those the library uses for that name) and an owner is the
 * caller's token's (the library is handed "<principal id>:<owner>", so another token that learned an owner and a
 * fencing token cannot release or renew that hold: its member differs and the scripts answer not-owner).
 * Holds are leases with their own TTL, not bound to a session (docs/server.md says why); the only state here is
 * the set of open WatchHolders streams, kept so that a shutdown ends them cleanly.
 */
final class PrimitiveServiceImpl extends PrimitiveServiceGrpc.PrimitiveServiceImplBase {
  /** Room for the principal id and its separator within an owner token. */
  static final int MAX_OWNER = OwnerToken.MAX_LENGTH - 17;

  private final PrimitiveBackends backends;
  private final Requests requests;
  private final Calls calls;
  private final Duration maxAnnounce;
  private final Map<StreamObserver<WatchEvent>, CompletableFuture<ReleaseSubscription>> streams =
      new ConcurrentHashMap<>();

  PrimitiveServiceImpl(PrimitiveBackends backends, Requests requests, Calls calls, Duration maxAnnounce) {
    this.backends = backends;
    this.requests = requests;
    this.calls = calls;
    this.maxAnnounce = maxAnnounce;
  }

  @Override
  public void acquireHolder(HolderAcquireRequest request, StreamObserver<AcquireResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("acquire_holder", observer, () -> {
      HolderKind kind = kind(request.getKind());
      LockName name = name(caller, request.getName());
      OwnerToken owner = owner(caller, request.getOwner());
      Duration ttl = requests.leaseTtl(request.getLeaseTtlMs(), false);
      long id = requests.requestId(request.getRequestId());
      return switch (kind) {
        case READ -> backends.readWrite().thenCompose(rw -> rw.tryAcquireRead(name, owner, ttl, id,
            request.getYieldToWriters()));
        case WRITE -> {
          Duration announce = announce(request.getAnnounceMs());
          yield backends.readWrite().thenCompose(rw -> rw.tryAcquireWrite(name, owner, ttl, id, announce));
        }
        default -> {
          int permits = permits(request.getPermits());
          yield backends.semaphore().thenCompose(sem -> sem.tryAcquirePermit(name, permits, owner, ttl, id));
        }
      };
    }, PrimitiveServiceImpl::acquired);
  }

  @Override
  public void releaseHolder(HolderReleaseRequest request, StreamObserver<ReleaseResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("release_holder", observer, () -> {
      HolderKind kind = kind(request.getKind());
      LockName name = name(caller, request.getName());
      OwnerToken owner = owner(caller, request.getOwner());
      FencingToken token = new FencingToken(requests.token(request.getFencingToken()));
      long id = requests.requestId(request.getRequestId());
      CompletableFuture<ReleaseOutcome> released = kind == HolderKind.PERMIT
          ? backends.semaphore().thenCompose(sem -> sem.releasePermit(name, owner, token, id))
          : backends.readWrite().thenCompose(rw -> rw.release(side(kind), name, owner, token, id));
      return released.thenApply(outcome -> {
        if (outcome instanceof ReleaseOutcome.Released done) {
          return done.remainingHolds();
        }
        throw ServiceException.notOwner(kind.name().toLowerCase(java.util.Locale.ROOT) + " hold of '"
            + request.getName() + "' is not held by owner " + request.getOwner() + " under fencing token "
            + token.value() + "; nothing was released");
      });
    }, remaining -> ReleaseResponse.newBuilder().setRemainingHolds(remaining).build());
  }

  @Override
  public void renewHolders(HolderRenewRequest request, StreamObserver<HolderRenewResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("renew_holders", observer, () -> {
      HolderKind kind = kind(request.getKind());
      requests.renewals(request.getRenewalsCount());
      List<RenewRequest> leases = new ArrayList<>(request.getRenewalsCount());
      for (LeaseRenewal renewal : request.getRenewalsList()) {
        leases.add(new RenewRequest(name(caller, renewal.getName()), owner(caller, renewal.getOwner()),
            new FencingToken(requests.token(renewal.getFencingToken())),
            requests.leaseTtl(renewal.getLeaseTtlMs(), false)));
      }
      CompletableFuture<List<RenewOutcome>> renewed = kind == HolderKind.PERMIT
          ? backends.semaphore().thenCompose(sem -> sem.renewPermits(leases))
          : backends.readWrite().thenCompose(rw -> rw.renewEach(side(kind), leases));
      return renewed;
    }, PrimitiveServiceImpl::renewed);
  }

  @Override
  public void countPermits(CountPermitsRequest request, StreamObserver<CountPermitsResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("count_permits", observer, () -> {
      LockName name = name(caller, request.getName());
      return backends.semaphore().thenCompose(sem -> sem.permitsHeld(name));
    }, held -> CountPermitsResponse.newBuilder().setHeld(held).build());
  }

  /*
   * SUBSCRIBED goes out once the library's subscription is active, so no release after it is missed; RELEASED only
   * after that (under the observer's monitor, as LockService.Watch does, so a message never overtakes the
   * stream's headers). A release before SUBSCRIBED is covered by the attempt the client makes on SUBSCRIBED.
   */
  @Override
  public void watchHolders(HolderWatchRequest request, StreamObserver<WatchEvent> observer) {
    HolderKind kind;
    LockName name;
    try {
      kind = kind(request.getKind());
      name = name(Principal.current(), request.getName());
    } catch (ServiceException e) {
      calls.fail("watch_holders", observer, e, System.nanoTime());
      return;
    }
    WatchEvent released = WatchEvent.newBuilder().setKind(WatchEvent.Kind.RELEASED).build();
    Runnable onRelease = () -> {
      synchronized (observer) {
        if (streams.containsKey(observer)) {
          try {
            observer.onNext(released);
          } catch (RuntimeException closed) {
            // Cancelled meanwhile: its cancel handler removes the stream.
          }
        }
      }
    };
    CompletableFuture<ReleaseSubscription> subscription = kind == HolderKind.PERMIT
        ? backends.semaphore().thenCompose(sem -> sem.subscribePermits(name, onRelease))
        : backends.readWrite().thenCompose(rw -> rw.subscribeReadWrite(name, onRelease));
    if (observer instanceof ServerCallStreamObserver<?> server) {
      server.setOnCancelHandler(() -> end(observer, false));
    }
    subscription.whenComplete((active, failure) -> {
      if (failure != null) {
        calls.fail("watch_holders", observer, failure, System.nanoTime());
        return;
      }
      synchronized (observer) {
        if (observer instanceof ServerCallStreamObserver<?> server && server.isCancelled()) {
          active.close();
          return;
        }
        streams.put(observer, subscription);
        observer.onNext(WatchEvent.newBuilder().setKind(WatchEvent.Kind.SUBSCRIBED).build());
      }
    });
  }

  /** Ends every WatchHolders stream of this instance: the server is shutting down. */
  void shutdown() {
    streams.keySet().forEach(stream -> end(stream, true));
  }

  /** Closes the library backend under the service; after {@link #shutdown()} and once the server has stopped. */
  void close() {
    backends.close();
  }

  private void end(StreamObserver<WatchEvent> stream, boolean complete) {
    synchronized (stream) {
      CompletableFuture<ReleaseSubscription> subscription = streams.remove(stream);
      if (subscription != null) {
        subscription.thenAccept(ReleaseSubscription::close);
        if (complete) {
          stream.onCompleted();
        }
      }
    }
  }

  private static HolderKind kind(HolderKind kind) {
    if (kind == HolderKind.READ || kind == HolderKind.WRITE || kind == HolderKind.PERMIT) {
      return kind;
    }
    throw ServiceException.badRequest("kind must be READ, WRITE or PERMIT, was " + kind);
  }

  private static Side side(HolderKind kind) {
    return kind == HolderKind.WRITE ? Side.WRITE : Side.READ;
  }

  private static LockName name(Principal caller, String name) {
    return LockName.of(new LockKey(caller.tenant(), name).fullName());
  }

  /* The caller's owner, scoped to its token: the library sees "<principal id>:<owner>". */
  private static OwnerToken owner(Principal caller, String owner) {
    if (owner == null || owner.isEmpty() || owner.length() > MAX_OWNER) {
      throw ServiceException.badRequest("owner must be 1 to " + MAX_OWNER + " characters through the service, was "
          + (owner == null ? 0 : owner.length()));
    }
    try {
      return OwnerToken.of(caller.id() + ":" + OwnerToken.of(owner).value());
    } catch (InvalidArgumentException e) {
      throw ServiceException.badRequest(e.getMessage());
    }
  }

  private Duration announce(long ms) {
    if (ms < 0 || ms > maxAnnounce.toMillis()) {
      throw ServiceException.badRequest("announce_ms must be between 0 and " + maxAnnounce.toMillis() + ", was "
          + ms);
    }
    return Duration.ofMillis(ms);
  }

  private static int permits(int permits) {
    if (permits < 1) {
      throw ServiceException.badRequest("permits must be at least 1, was " + permits);
    }
    return permits;
  }

  private static AcquireResponse acquired(AcquireOutcome outcome) {
    if (outcome instanceof AcquireOutcome.Granted granted) {
      return AcquireResponse.newBuilder().setAcquired(true).setFencingToken(granted.fencingToken().value())
          .setHoldCount(granted.holdCount()).build();
    }
    AcquireOutcome.Busy busy = (AcquireOutcome.Busy) outcome;
    return AcquireResponse.newBuilder().setHolderRemainingMs(busy.remainingTtl().toMillis()).build();
  }

  /* An outcome Redis could not confirm (a replica did not acknowledge) fails the batch: the client judges it. */
  private static HolderRenewResponse renewed(List<RenewOutcome> outcomes) {
    if (outcomes.contains(RenewOutcome.UNKNOWN)) {
      throw ServiceException.unavailable("a renewal could not be confirmed (the replicas did not acknowledge it)",
          null);
    }
    return HolderRenewResponse.newBuilder()
        .addAllRenewed(outcomes.stream().map(outcome -> outcome == RenewOutcome.RENEWED).toList()).build();
  }
}
