package io.holdfast.client;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.holdfast.BackendUnavailableException;
import io.holdfast.DeadlockException;
import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.WaitCycle;
import io.holdfast.InvalidArgumentException;
import io.holdfast.LeaseLostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/*
 * Unary gRPC calls as CompletableFutures, and the mapping of what comes back into Holdfast's exceptions: the
 * server's ErrorInfo names the io.holdfast.ErrorCode (one to one with the gRPC code), and its reason tells apart
 * NOT_OWNER, SESSION_EXPIRED and SESSION_UNKNOWN. Transport failures (no healthy instance, connection refused or
 * reset, timeouts) and UNAVAILABLE/ABORTED answers become BackendUnavailableException, which the engine retries:
 * every call is idempotent (request ids, owner and token checks). Stateless.
 */
final class Rpc {
  private Rpc() { }

  /** Calls a unary method of an async stub. */
  static <Q, R> CompletableFuture<R> call(BiConsumer<Q, StreamObserver<R>> method, Q request) {
    CompletableFuture<R> result = new CompletableFuture<>();
    try {
      method.accept(request, new StreamObserver<>() {
        @Override
        public void onNext(R value) {
          result.complete(value);
        }

        @Override
        public void onError(Throwable t) {
          result.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          if (!result.isDone()) {
            result.completeExceptionally(new HoldfastException(ErrorCode.INTERNAL, "the server sent no reply"));
          }
        }
      });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** The server's reason ("NOT_OWNER", "SESSION_EXPIRED", ...) of a failure, or "" when it has none. */
  static String reason(Throwable failure) {
    return errorInfo(failure).map(ErrorInfo::getReason).orElse("");
  }

  /** The server's ErrorInfo detail of a failure, if it has one. */
  static java.util.Optional<ErrorInfo> errorInfo(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (!(cause instanceof StatusRuntimeException status)) {
      return java.util.Optional.empty();
    }
    com.google.rpc.Status proto = StatusProto.fromThrowable(status);
    if (proto == null) {
      return java.util.Optional.empty();
    }
    return proto.getDetailsList().stream().filter(any -> any.is(ErrorInfo.class)).findFirst().flatMap(any -> {
      try {
        return java.util.Optional.of(any.unpack(ErrorInfo.class));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        return java.util.Optional.empty();
      }
    });
  }

  /*
   * A deadlock's victim (ABORTED with reason DEADLOCK): the cycle from ErrorInfo.metadata as holdfast.proto's
   * Reason.DEADLOCK describes it; null for any other failure.
   */
  static DeadlockException deadlock(Throwable failure, String what) {
    ErrorInfo info = errorInfo(failure).filter(i -> i.getReason().equals("DEADLOCK")).orElse(null);
    if (info == null) {
      return null;
    }
    java.util.Map<String, String> metadata = info.getMetadataMap();
    java.util.List<WaitCycle.Step> steps = new java.util.ArrayList<>();
    int length = Integer.parseInt(metadata.getOrDefault("cycle_length", "0"));
    for (int i = 0; i < length; i++) {
      steps.add(new WaitCycle.Step(metadata.getOrDefault("cycle_owner_" + i, "?"),
          metadata.getOrDefault("cycle_lock_" + i, "?")));
    }
    if (steps.isEmpty()) {
      steps.add(new WaitCycle.Step("?", "?")); // a server that named no cycle: still a deadlock, not a retry
    }
    String message = ((StatusRuntimeException) unwrap(failure)).getStatus().getDescription();
    return new DeadlockException(what + " failed: " + message, new WaitCycle(steps));
  }

  static boolean isSessionLoss(Throwable failure) {
    String reason = reason(failure);
    return reason.equals("SESSION_EXPIRED") || reason.equals("SESSION_UNKNOWN");
  }

  static boolean isNotOwner(Throwable failure) {
    return reason(failure).equals("NOT_OWNER");
  }

  /** Whether repeating the call (perhaps on another instance) may succeed. */
  static boolean isTransient(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof HoldfastException holdfast) {
      return holdfast.code() == ErrorCode.UNAVAILABLE;
    }
    if (cause instanceof StatusRuntimeException status) {
      Status.Code code = status.getStatus().getCode();
      if (code == Status.Code.ABORTED && reason(status).equals("DEADLOCK")) {
        return false; // repeating the acquire while holding the same locks closes the same cycle
      }
      return code == Status.Code.UNAVAILABLE || code == Status.Code.ABORTED || code == Status.Code.DEADLINE_EXCEEDED
          || (code == Status.Code.UNKNOWN && status.getCause() != null);
    }
    return cause instanceof com.linecorp.armeria.client.UnprocessedRequestException
        || cause instanceof com.linecorp.armeria.client.ResponseTimeoutException
        || cause instanceof com.linecorp.armeria.common.ClosedSessionException
        || cause instanceof com.linecorp.armeria.client.endpoint.EmptyEndpointGroupException
        || cause instanceof java.io.IOException;
  }

  /** The exception to complete an SPI future with. */
  static RuntimeException toHoldfast(Throwable failure, String what) {
    Throwable cause = unwrap(failure);
    if (cause instanceof HoldfastException holdfast) {
      return holdfast;
    }
    DeadlockException deadlock = deadlock(cause, what);
    if (deadlock != null) {
      return deadlock;
    }
    if (isTransient(cause)) {
      return new BackendUnavailableException(what + " failed: " + describe(cause), cause);
    }
    if (!(cause instanceof StatusRuntimeException status)) {
      return new HoldfastException(ErrorCode.INTERNAL, what + " failed: " + describe(cause), cause);
    }
    String message = what + " failed: " + status.getStatus().getDescription();
    return switch (status.getStatus().getCode()) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> new InvalidArgumentException(message);
      case RESOURCE_EXHAUSTED -> new InvalidArgumentException(message);
      case FAILED_PRECONDITION -> new LeaseLostException(message);
      case PERMISSION_DENIED, UNAUTHENTICATED -> new HoldfastException(ErrorCode.PERMISSION_DENIED, message, cause);
      case CANCELLED -> new HoldfastException(ErrorCode.INTERRUPTED, message, cause);
      default -> new HoldfastException(ErrorCode.INTERNAL, message, cause);
    };
  }

  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  static String describe(Throwable cause) {
    if (cause instanceof StatusRuntimeException status) {
      return status.getStatus().getCode() + ": " + status.getStatus().getDescription();
    }
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
