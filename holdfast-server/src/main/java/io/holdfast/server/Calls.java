package io.holdfast.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.Reason;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * Runs one unary call: validates and starts it on the gRPC thread (a validation failure is answered at once),
 * then answers from whichever thread completes the store's future. Every call is timed and counted by
 * operation and status; store failures also count as Redis errors. The observer is completed exactly once,
 * because a CompletableFuture runs its whenComplete action once. Stateless apart from the metrics.
 */
final class Calls {
  private final ServiceMetrics metrics;

  Calls(ServiceMetrics metrics) {
    this.metrics = metrics;
  }

  <T, R> void unary(String operation, StreamObserver<R> observer, Supplier<CompletableFuture<T>> call,
      Function<T, R> toWire) {
    long start = System.nanoTime();
    Errors.started(call).whenComplete((value, failure) -> {
      if (failure == null) {
        R response;
        try {
          response = toWire.apply(value);
        } catch (RuntimeException e) {
          fail(operation, observer, e, start);
          return;
        }
        metrics.request(operation, Status.Code.OK, System.nanoTime() - start);
        observer.onNext(response);
        observer.onCompleted();
      } else {
        fail(operation, observer, failure, start);
      }
    });
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
}
