package io.holdfast.server;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.Reason;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * Runs one unary call: validates and starts it on the gRPC thread (a validation failure is answered at once),
 * then answers on the call's own event loop. Every call is timed and counted by operation and status; store
 * failures also count as Redis errors. The observer is completed exactly once, because a CompletableFuture runs
 * its whenComplete action once. Stateless apart from the metrics.
 *
 * Why the answer is moved to the event loop here: the store's future completes on a Redis I/O thread, and from a
 * foreign thread Armeria's server call hops to its event loop once per step of the answer (headers, message,
 * close: three queued tasks, each pushing the request context). One hop that runs all three steps there is the
 * same work with a third of the hand-overs (measured in docs/benchmarks.md, "Where the service's CPU goes").
 */
final class Calls {
  private final ServiceMetrics metrics;
  private final DashboardEvents events = new DashboardEvents();

  Calls(ServiceMetrics metrics) {
    this.metrics = metrics;
  }

  /** The notable outcomes of calls (leases lost, forced releases) this instance answered, for the dashboard. */
  DashboardEvents events() {
    return events;
  }

  <T, R> void unary(String operation, StreamObserver<R> observer, Supplier<CompletableFuture<T>> call,
      Function<T, R> toWire) {
    long start = System.nanoTime();
    // A call stream's answers queue themselves for the stream's event loop (CallStreamImpl.Answers, which batches
    // them); a hop here as well would be a second one per answer.
    Executor answerOn = observer instanceof CallStreamImpl.CallAnswer<?> ? Runnable::run : callThread();
    CompletableFuture<T> future = Errors.started(call);
    if (future.isDone()) {
      answer(operation, observer, future, toWire, start);
    } else {
      CompletableFuture<T> pending = future;
      future.whenComplete((value, failure) -> answerOn.execute(
          () -> answer(operation, observer, pending, toWire, start)));
    }
  }

  private <T, R> void answer(String operation, StreamObserver<R> observer, CompletableFuture<T> done,
      Function<T, R> toWire, long start) {
    R response;
    try {
      response = toWire.apply(done.join());
    } catch (RuntimeException e) {
      fail(operation, observer, e, start);
      return;
    }
    metrics.request(operation, Status.Code.OK, System.nanoTime() - start);
    try {
      observer.onNext(response);
      observer.onCompleted();
    } catch (RuntimeException alreadyClosed) {
      // The call was cancelled by the client meanwhile; there is nobody left to tell.
    }
  }

  void fail(String operation, StreamObserver<?> observer, Throwable failure, long start) {
    Throwable cause = Errors.unwrap(failure);
    if (cause instanceof ServiceException service && service.reason() == Reason.REDIS_UNAVAILABLE) {
      metrics.redisError();
    }
    StatusRuntimeException status = Errors.toStatus(cause);
    metrics.request(operation, status.getStatus().getCode(), System.nanoTime() - start);
    try {
      observer.onError(status);
    } catch (RuntimeException alreadyClosed) {
      // The call was cancelled by the client meanwhile; there is nobody left to tell.
    }
  }

  /** The event loop of the Armeria call being served, or the completing thread outside one (unit tests). */
  private static Executor callThread() {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    if (ctx == null) {
      return Runnable::run;
    }
    return task -> {
      if (ctx.eventLoop().inEventLoop()) {
        task.run();
      } else {
        ctx.eventLoop().execute(task);
      }
    };
  }
}
