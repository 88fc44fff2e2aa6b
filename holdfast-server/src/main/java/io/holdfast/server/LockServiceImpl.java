package io.holdfast.server;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.holdfast.ErrorCode;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.InspectRequest;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.api.v1.LockServiceGrpc;
import io.holdfast.api.v1.Reason;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.ReleaseResponse;
import io.holdfast.api.v1.RenewRequest;
import io.holdfast.api.v1.RenewResponse;
import io.holdfast.api.v1.WatchEvent;
import io.holdfast.api.v1.WatchRequest;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Renewal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/*
 * LockService: acquire (with a server-side wait), release, renew, inspect and the Watch stream. The only state
 * here is the set of in-flight waits and streams of this instance, kept so that a shutdown can end them cleanly
 * (ABORTED, "retry on another instance") instead of cutting them off; lock state itself lives in the store.
 */
final class LockServiceImpl extends LockServiceGrpc.LockServiceImplBase {
  private final LockStore store;
  private final Requests requests;
  private final Calls calls;
  private final AcquireWait.Setting waits;
  private final Set<AcquireWait> active = ConcurrentHashMap.newKeySet();
  private final Map<StreamObserver<WatchEvent>, WaitRoom.Registration> streams = new ConcurrentHashMap<>();

  LockServiceImpl(LockStore store, Requests requests, Calls calls, AcquireWait.Setting waits) {
    this.store = store;
    this.requests = requests;
    this.calls = calls;
    this.waits = waits;
  }

  @Override
  public void acquire(AcquireRequest request, StreamObserver<AcquireResponse> observer) {
    acquire("acquire", request, observer, true);
  }

  @Override
  public void tryAcquire(AcquireRequest request, StreamObserver<AcquireResponse> observer) {
    acquire("try_acquire", request, observer, false);
  }

  private void acquire(String operation, AcquireRequest request, StreamObserver<AcquireResponse> observer,
      boolean busyIsError) {
    Principal caller = Principal.current();
    calls.unary(operation, observer, () -> {
      SessionRef session = requests.session(caller, request.getSessionId());
      AcquireWait.Target target = new AcquireWait.Target(session, requests.lock(caller, request.getName()),
          requests.owner(request.getOwner(), session.id()), requests.leaseTtl(request.getLeaseTtlMs(), true),
          requests.requestId(request.getRequestId()), requests.waitTimeout(request.getWaitTimeoutMs()),
          requests.waiterHint(request.getWaiterHintMs()),
          requests.queueKeep(request.getFair(), request.getQueueKeepMs()));
      AcquireWait wait = new AcquireWait(waits, target);
      active.add(wait);
      // Made only when the caller goes: an exception's stack trace per acquire was measurable service CPU.
      Supplier<ServiceException> gone = () -> new ServiceException(ErrorCode.INTERRUPTED, Reason.CANCELLED,
          "the caller of the acquire of lock '" + target.lock().name() + "' has gone");
      if (observer instanceof ServerCallStreamObserver<?> unary) {
        // A call of its own (gRPC or HTTP/JSON): its cancellation and its undelivered answer are this call's.
        // A call on a CallStream shares the stream's context, whose end says nothing about one call's answer:
        // an answer the stream could not deliver is repeated by the client (same request id) or, if the
        // client died, ends with its session like every other lock of that client. A wait still going when its
        // stream ends has lost its caller, though: it ends then, as a unary call's does on cancel.
        unary.setOnCancelHandler(() -> wait.callerGone(gone.get()));
        onUndelivered(() -> wait.answerUndelivered(gone.get()));
      } else if (observer instanceof CallStreamImpl.CallAnswer<?> onStream && !target.waitTimeout().isZero()) {
        onStream.onStreamEnd(() -> wait.callerGone(gone.get())); // a waiting call on a stream that ended
      }
      CompletableFuture<AcquireResult> result = wait.start();
      result.whenComplete((outcome, failure) -> active.remove(wait));
      return busyIsError ? result.thenApply(outcome -> timeoutIfBusy(outcome, target)) : result;
    }, Wire::acquired);
  }

  private static AcquireResult timeoutIfBusy(AcquireResult outcome, AcquireWait.Target target) {
    if (outcome instanceof Busy busy) {
      throw new ServiceException(ErrorCode.WAIT_TIMEOUT, Reason.WAIT_TIMEOUT, "lock '" + target.lock().name()
          + "' still " + (busy.delayed() ? "in its lock-delay" : "held by another owner") + " after waiting "
          + target.waitTimeout().toMillis() + " ms");
    }
    return outcome;
  }

  @Override
  public void release(ReleaseRequest request, StreamObserver<ReleaseResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("release", observer, () -> {
      SessionRef session = requests.session(caller, request.getSessionId());
      LockKey lock = requests.lock(caller, request.getName());
      long token = requests.token(request.getFencingToken());
      return store.release(session, lock, requests.owner(request.getOwner(), session.id()), token,
          requests.requestId(request.getRequestId())).thenApply(remaining -> {
            if (remaining == 0) {
              waits.metrics().locks().released(lock.fullName(), token);
            }
            return remaining;
          });
    }, remaining -> ReleaseResponse.newBuilder().setRemainingHolds(remaining).build());
  }

  @Override
  public void renew(RenewRequest request, StreamObserver<RenewResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("renew", observer, () -> {
      SessionRef session = requests.session(caller, request.getSessionId());
      LockKey lock = requests.lock(caller, request.getName());
      Renewal renewal = new Renewal(lock, requests.owner(request.getOwner(), session.id()),
          requests.token(request.getFencingToken()), requests.leaseTtl(request.getLeaseTtlMs(), false));
      return store.keepAlive(session, List.of(renewal)).thenApply(result -> {
        if (!result.renewed().get(0)) {
          calls.events().leaseLost(caller.tenant(), lock.name(), "renew refused (fencing token " + renewal.token()
              + ")");
          throw ServiceException.notOwner("lock '" + lock.name() + "' is not held by owner " + renewal.owner()
              + " under fencing token " + renewal.token() + "; nothing was renewed");
        }
        return result;
      });
    }, result -> RenewResponse.getDefaultInstance());
  }

  @Override
  public void inspect(InspectRequest request, StreamObserver<LockInfo> observer) {
    Principal caller = Principal.current();
    calls.unary("inspect", observer, () -> {
      LockKey lock = requests.lock(caller, request.getName());
      return store.inspect(lock).thenApply(view -> view.map(Wire::lock)
          .orElseGet(() -> LockInfo.newBuilder().setName(lock.name()).build()));
    }, info -> info);
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<WatchEvent> observer) {
    LockKey lock;
    try {
      lock = requests.lock(Principal.current(), request.getName());
    } catch (ServiceException e) {
      calls.fail("watch", observer, e, System.nanoTime());
      return;
    }
    WatchEvent released = WatchEvent.newBuilder().setKind(WatchEvent.Kind.RELEASED).build();
    /*
     * Registered before SUBSCRIBED goes out, so no release after it is missed; but RELEASED is sent only once
     * SUBSCRIBED has been (the stream is in `streams` from then on, under the observer's monitor). The stream's
     * headers go out with its first message, and a RELEASED from a release thread that overtook SUBSCRIBED from
     * an event-loop thread was failed by Armeria ("sendHeaders has not been called"): the client's watch then
     * failed and its waiters fell back to the re-check timer (the 200-node fleet's one-second tail). A release
     * before SUBSCRIBED is covered by the attempt the client makes on SUBSCRIBED.
     */
    synchronized (observer) {
      WaitRoom.Registration registration = waits.room().watcher(lock.fullName(), () -> {
        synchronized (observer) {
          if (streams.containsKey(observer)) {
            try {
              observer.onNext(released);
            } catch (RuntimeException closed) {
              // Cancelled meanwhile: its cancel handler removes the stream.
            }
          }
        }
        return false;
      });
      onCancel(observer, () -> {
        streams.remove(observer);
        registration.close();
      });
      observer.onNext(WatchEvent.newBuilder().setKind(WatchEvent.Kind.SUBSCRIBED).build());
      streams.put(observer, registration);
      if (observer instanceof ServerCallStreamObserver<?> server && server.isCancelled()) {
        streams.remove(observer); // cancelled before it was listed: the handler found nothing to remove
        registration.close();
      }
    }
  }

  /** Ends every wait and stream of this instance: the server is shutting down. */
  void shutdown() {
    ServiceException closing = new ServiceException(ErrorCode.CLOSED, Reason.SHUTTING_DOWN,
        "this Holdfast server is shutting down; retry on another instance");
    active.forEach(wait -> wait.abort(closing));
    for (StreamObserver<WatchEvent> stream : streams.keySet()) {
      synchronized (stream) {
        WaitRoom.Registration registration = streams.remove(stream);
        if (registration != null) {
          registration.close();
          stream.onCompleted();
        }
      }
    }
  }

  private static void onCancel(StreamObserver<?> observer, Runnable action) {
    if (observer instanceof ServerCallStreamObserver<?> server) {
      server.setOnCancelHandler(action);
    }
  }

  /**
   * Runs {@code action} when the call's answer was not written to the caller in full: its connection closed or
   * its stream was reset first. This is the one signal HTTP/JSON has for a caller that left just as its answer
   * was ready: the transcoder completes the gRPC call before writing the HTTP answer, and Armeria reports an
   * HTTP/1 connection close to the call only after a delay, so the call's cancel handler may never run.
   */
  private static void onUndelivered(Runnable action) {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    if (ctx != null) {
      ctx.log().whenComplete().thenAccept(log -> {
        if (log.responseCause() != null) {
          action.run();
        }
      });
    }
  }
}
