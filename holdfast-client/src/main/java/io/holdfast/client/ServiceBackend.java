package io.holdfast.client;

import io.holdfast.FencingToken;
import io.holdfast.HoldfastOptions;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.api.v1.LeaseRenewal;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.Session;
import io.holdfast.internal.Hosts;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ClockReadings;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/*
 * The LockBackend over the lock service, so that the Holdfast client engine (waiting, retry, batched renewal,
 * listeners) works unchanged against holdfast:// as against redis://. Each grant is bound to the session it was
 * acquired in (Grants remembers which); the engine's batched renewal becomes one KeepAlive per session, which
 * also keeps the session alive. When the service reports the session expired or unknown, the session is
 * replaced and every renewal of a lease granted in it answers SESSION_LOST, which the engine reports through
 * the lease-lost listener with that reason. Acquire, release and keep-alive go over one call stream
 * (StreamCalls), the rest as unary calls. The engine's wait is sent to the service (longestWait(): the session's
 * max_wait_ms while the call stream works), which wakes one waiter per release; abandon() cancels such a wait.
 * Thread-safe: the parts are thread-safe, and the one field of its own (maxWaitMs) is volatile.
 */
final class ServiceBackend implements LockBackend {
  private final ServiceTarget target;
  private final ServiceChannel channel;
  private final StreamCalls calls;
  private final ClientSession session;
  private final ScheduledExecutorService timer;
  private final Grants grants = new Grants();
  private final ServicePrimitives primitives;
  private final Duration waiterHint;
  /** The service's longest wait per call, from the last session it opened; 0 until then (the client waits). */
  private volatile long maxWaitMs;

  ServiceBackend(ServiceTarget target, ServiceChannel channel, HoldfastOptions options,
      ScheduledExecutorService timer) {
    this.target = target;
    this.channel = channel;
    this.timer = timer;
    this.calls = new StreamCalls(channel, options.operationTimeout());
    this.session = new ClientSession(channel, calls, new ClientSession.Identity(options.clientName(),
        target.clientHost().orElseGet(Hosts::localName)), target.sessionTtl(), timer);
    this.waiterHint = options.recheckInterval().multipliedBy(2).plusSeconds(1);
    this.primitives = new ServicePrimitives(channel, timer);
  }

  /** Every keep-alive reply carries the service's store time: the clock detector reads it from there. */
  @Override
  public boolean clockReadings(ClockReadings sink) {
    session.clockReadings(sink);
    return true;
  }

  /** Reported to the service in the next keep-alive (ListSessions and the dashboard show it). */
  @Override
  public void clockOffsetMeasured(Duration offset) {
    session.reportClockOffset(offset);
  }

  /** The read/write lock and the semaphore (ServicePrimitives): holds with their own leases, not session-bound. */
  @Override
  public <T> Optional<T> feature(Class<T> type) {
    return type.isInstance(primitives) ? Optional.of(type.cast(primitives)) : LockBackend.super.feature(type);
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl,
      long requestId) {
    return tryAcquire(name, owner, ttl, requestId, Duration.ZERO);
  }

  /*
   * With a wait, the service waits for the lock (its wait room wakes one waiter per release) instead of this
   * client watching the lock and trying again: no Watch stream per waiting episode, no herd of attempts per
   * release. Over the unary fallback StreamCalls drops the wait and longestWait() says zero.
   */
  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration wait) {
    return session.current().exceptionally(failure -> {
      throw Rpc.toHoldfast(failure, "opening a lock service session");
    }).thenCompose(open -> attempt(open, new Attempt(name, owner, ttl, requestId, wait, null), true));
  }

  /* The service keeps the line in Redis (the library's acquire.lua) and wakes only the head of it. */
  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireFair(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration wait, Duration queueKeep) {
    return session.current().exceptionally(failure -> {
      throw Rpc.toHoldfast(failure, "opening a lock service session");
    }).thenCompose(open -> attempt(open, new Attempt(name, owner, ttl, requestId, wait, queueKeep), true));
  }

  @Override
  public void abandon(long requestId) {
    calls.abandon(requestId);
  }

  @Override
  public Duration longestWait() {
    return calls.waitsOnServer() ? Duration.ofMillis(maxWaitMs) : Duration.ZERO;
  }

  /** One acquire's arguments; {@code queueKeep} is null for the plain lock. */
  private record Attempt(LockName name, OwnerToken owner, Duration ttl, long requestId, Duration serverWait,
      Duration queueKeep) { }

  private CompletableFuture<AcquireOutcome> attempt(Session open, Attempt call, boolean mayReopen) {
    maxWaitMs = open.getMaxWaitMs();
    long waitMs = Math.min(call.serverWait().toMillis(), maxWaitMs);
    AcquireRequest request = AcquireRequest.newBuilder().setSessionId(open.getSessionId())
        .setName(call.name().value()).setOwner(call.owner().value()).setLeaseTtlMs(call.ttl().toMillis())
        .setRequestId(call.requestId()).setWaitTimeoutMs(waitMs)
        .setWaiterHintMs(waitMs > 0 ? 0 : Math.min(waiterHint.toMillis(), maxWaitMs > 0 ? maxWaitMs : 60_000))
        .setFair(call.queueKeep() != null).setQueueKeepMs(queueKeepMs(call.queueKeep()))
        .build();
    LockName name = call.name();
    return calls.tryAcquire(request).handle((reply, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(outcome(open, name, call.owner(), call.ttl(), reply));
      }
      if (mayReopen && Rpc.isSessionLoss(failure)) {
        session.markLost(open.getSessionId());
        return session.current().thenCompose(fresh -> attempt(fresh, call, false));
      }
      throw Rpc.toHoldfast(failure, "acquire of lock '" + name + "'");
    }).thenCompose(stage -> stage);
  }

  /* The service refuses a keep longer than its longest wait; it keeps a waiting call's place itself anyway. */
  private long queueKeepMs(Duration queueKeep) {
    return queueKeep == null ? 0 : Math.min(queueKeep.toMillis(), maxWaitMs > 0 ? maxWaitMs : 60_000);
  }

  private AcquireOutcome outcome(Session open, LockName name, OwnerToken owner, Duration ttl,
      AcquireResponse reply) {
    if (!reply.getAcquired()) {
      return new AcquireOutcome.Busy(Duration.ofMillis(reply.getHolderRemainingMs()));
    }
    FencingToken token = new FencingToken(reply.getFencingToken());
    grants.granted(new Grants.Key(name, owner, token), open.getSessionId(), ttl);
    return new AcquireOutcome.Granted(token, reply.getHoldCount(), Duration.ofMillis(Math.max(0, reply.getWaitedMs())));
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId) {
    Grants.Key key = new Grants.Key(name, owner, fencingToken);
    Optional<String> boundTo = grants.sessionOf(key);
    if (boundTo.isPresent() && session.isLost(boundTo.get())) {
      grants.forget(key);
      return CompletableFuture.completedFuture(new ReleaseOutcome.NotOwner());
    }
    CompletableFuture<String> sessionId = boundTo.map(CompletableFuture::completedFuture)
        .orElseGet(() -> session.current().thenApply(Session::getSessionId));
    return sessionId.thenCompose(id -> calls.release(ReleaseRequest.newBuilder()
        .setSessionId(id).setName(name.value()).setOwner(owner.value()).setFencingToken(fencingToken.value())
        .setRequestId(requestId).build()).handle((reply, failure) -> {
          if (failure == null) {
            if (reply.getRemainingHolds() == 0) {
              grants.forget(key);
            }
            return (ReleaseOutcome) new ReleaseOutcome.Released(reply.getRemainingHolds());
          }
          if (Rpc.isSessionLoss(failure)) {
            session.markLost(id);
          }
          if (Rpc.isSessionLoss(failure) || Rpc.isNotOwner(failure)) {
            grants.forget(key);
            return new ReleaseOutcome.NotOwner();
          }
          throw Rpc.toHoldfast(failure, "release of lock '" + name + "'");
        }));
  }

  @Override
  public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    return renewEach(leases).thenApply(outcomes -> outcomes.stream()
        .map(outcome -> outcome == RenewOutcome.RENEWED).toList());
  }

  /** Per lease as the SPI says; a lease of a lost session answers SESSION_LOST, so the engine reports that. */
  @Override
  public CompletableFuture<List<RenewOutcome>> renewEach(List<RenewRequest> leases) {
    Map<String, List<Integer>> bySession = new LinkedHashMap<>();
    List<RenewOutcome> results = new ArrayList<>(Collections.nCopies(leases.size(), RenewOutcome.NOT_HELD));
    List<Integer> unbound = new ArrayList<>();
    for (int i = 0; i < leases.size(); i++) {
      RenewRequest lease = leases.get(i);
      Optional<String> id = grants.sessionOf(new Grants.Key(lease.name(), lease.owner(), lease.fencingToken()));
      if (id.isPresent()) {
        bySession.computeIfAbsent(id.get(), k -> new ArrayList<>()).add(i);
      } else {
        unbound.add(i);
      }
    }
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    if (!unbound.isEmpty()) {
      all = session.current().thenCompose(open -> keepAlive(open.getSessionId(), leases, unbound, results));
    }
    for (Map.Entry<String, List<Integer>> group : bySession.entrySet()) {
      all = all.thenCompose(done -> keepAlive(group.getKey(), leases, group.getValue(), results));
    }
    return all.thenApply(done -> results);
  }

  private CompletableFuture<Void> keepAlive(String sessionId, List<RenewRequest> leases, List<Integer> indexes,
      List<RenewOutcome> results) {
    List<LeaseRenewal> renewals = new ArrayList<>(indexes.size());
    for (int i : indexes) {
      RenewRequest lease = leases.get(i);
      renewals.add(LeaseRenewal.newBuilder().setName(lease.name().value()).setOwner(lease.owner().value())
          .setFencingToken(lease.fencingToken().value()).setLeaseTtlMs(lease.ttl().toMillis()).build());
    }
    return session.keepAlive(sessionId, renewals).thenAccept(outcomes -> {
      for (int j = 0; j < indexes.size(); j++) {
        RenewRequest lease = leases.get(indexes.get(j));
        RenewOutcome outcome = outcomes.get(j);
        results.set(indexes.get(j), outcome);
        Grants.Key key = new Grants.Key(lease.name(), lease.owner(), lease.fencingToken());
        if (outcome == RenewOutcome.RENEWED) {
          grants.touched(key);
        } else if (outcome != RenewOutcome.SESSION_LOST) {
          grants.forget(key);
        } // a lost session's grant stays bound to it, so its release answers NOT_OWNER here, in no other session
      }
    });
  }

  @Override
  public CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return Rpc.call(channel.locks::inspect, InspectRequest.newBuilder().setName(name.value()).build())
        .handle((info, failure) -> {
          if (failure != null) {
            throw Rpc.toHoldfast(failure, "inspect of lock '" + name + "'");
          }
          if (!info.getHeld() && !info.getDelayed()) {
            return Optional.<LockState>empty();
          }
          return Optional.of(new LockState(name, OwnerToken.of(info.getOwner()),
              new FencingToken(info.getFencingToken()), Math.max(1, info.getHoldCount()),
              Duration.ofMillis(info.getRemainingMs())));
        });
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
    return new ReleaseWatch(channel, timer, name, onRelease).start();
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return Rpc.isTransient(failure);
  }

  @Override
  public String describe() {
    return target.describe() + " (Holdfast lock service, " + channel.healthyInstances() + " of "
        + target.hosts().size() + " instances healthy)";
  }

  @Override
  public void close() {
    session.close();
    calls.close();
    timer.shutdownNow();
    channel.close();
  }
}
