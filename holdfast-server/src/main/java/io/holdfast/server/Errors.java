package io.holdfast.server;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.holdfast.DeadlockException;
import io.holdfast.ErrorCode;
import io.holdfast.HoldfastException;
import io.holdfast.WaitCycle;
import io.holdfast.api.v1.Reason;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The one place where failures become wire statuses. io.holdfast.ErrorCode maps one to one onto a gRPC code,
 * and every status carries a google.rpc.ErrorInfo (domain holdfast.io, reason = the wire Reason, metadata
 * error_code = the ErrorCode name) so clients in any language can branch without parsing messages; the HTTP/JSON
 * transcoder renders the same detail. Anything that is not a HoldfastException is a bug: it is logged here with
 * its stack and answered as INTERNAL without internals. Stateless.
 */
final class Errors {
  static final String DOMAIN = "holdfast.io";
  /** What a caller is told of a bug: never the exception's class or stack, which only the log gets. */
  static final String INTERNAL_MESSAGE = "internal error in the Holdfast server (it has been logged)";
  private static final Logger log = LoggerFactory.getLogger(Errors.class);

  private Errors() { }

  static Status.Code codeOf(ErrorCode code, Reason reason) {
    if (reason == Reason.UNAUTHENTICATED) {
      return Status.Code.UNAUTHENTICATED;
    }
    return switch (code) {
      case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
      case LEASE_LOST -> Status.Code.FAILED_PRECONDITION;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case WAIT_TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
      case INTERRUPTED -> Status.Code.CANCELLED;
      case CLOSED, DEADLOCK -> Status.Code.ABORTED;
      case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
      case INTERNAL -> Status.Code.INTERNAL;
    };
  }

  /** Strips the CompletionException / ExecutionException wrappers that futures add. */
  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof java.util.concurrent.CompletionException
        || current instanceof java.util.concurrent.ExecutionException) && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * Starts an asynchronous call whose start may itself throw (a store with no Redis connection yet refuses at
   * once); the throw becomes the future's failure, so callers handle one failure path.
   */
  static <T> CompletableFuture<T> started(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The status and trailers to close a call with. */
  static StatusRuntimeException toStatus(Throwable failure) {
    Throwable cause = Errors.unwrap(failure);
    if (cause instanceof StatusRuntimeException status) {
      return status;
    }
    if (cause instanceof ServiceException service) {
      return build(service.code(), service.reason(), service.getMessage());
    }
    if (cause instanceof DeadlockException deadlock) {
      return build(Status.Code.ABORTED, ErrorCode.DEADLOCK, Reason.DEADLOCK, deadlock.getMessage(),
          cycleMetadata(deadlock.cycle()));
    }
    if (cause instanceof HoldfastException holdfast) {
      return build(holdfast.code(), Reason.REASON_UNSPECIFIED, holdfast.getMessage());
    }
    log.error("request failed with an unexpected exception", cause);
    return build(ErrorCode.INTERNAL, Reason.INTERNAL_ERROR, INTERNAL_MESSAGE);
  }

  /**
   * A request larger than the server accepts: RESOURCE_EXHAUSTED (the one status that is not its ErrorCode's,
   * as gRPC names this case), with ErrorInfo reason BAD_REQUEST and error_code INVALID_ARGUMENT.
   */
  static StatusRuntimeException tooLarge(long limitBytes) {
    return build(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.INVALID_ARGUMENT, Reason.BAD_REQUEST,
        "the request is larger than this server accepts: at most " + limitBytes + " bytes per message"
            + " (max-message-bytes)");
  }

  static Status status(ServiceException e) {
    return toStatus(e).getStatus();
  }

  static Metadata trailers(ServiceException e) {
    Metadata trailers = toStatus(e).getTrailers();
    return trailers == null ? new Metadata() : trailers;
  }

  private static StatusRuntimeException build(ErrorCode code, Reason reason, String message) {
    return build(codeOf(code, reason), code, reason, message);
  }

  /* The cycle in ErrorInfo.metadata, as holdfast.proto's Reason.DEADLOCK describes it. */
  private static java.util.Map<String, String> cycleMetadata(WaitCycle cycle) {
    java.util.Map<String, String> metadata = new java.util.LinkedHashMap<>();
    metadata.put("cycle_length", Integer.toString(cycle.steps().size()));
    for (int i = 0; i < cycle.steps().size(); i++) {
      metadata.put("cycle_owner_" + i, cycle.steps().get(i).owner());
      metadata.put("cycle_lock_" + i, cycle.steps().get(i).lock());
    }
    return metadata;
  }

  private static StatusRuntimeException build(Status.Code status, ErrorCode code, Reason reason, String message) {
    return build(status, code, reason, message, java.util.Map.of());
  }

  private static StatusRuntimeException build(Status.Code status, ErrorCode code, Reason reason, String message,
      java.util.Map<String, String> metadata) {
    ErrorInfo info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason.name())
        .putMetadata("error_code", code.name()).putAllMetadata(metadata).build();
    com.google.rpc.Status proto = com.google.rpc.Status.newBuilder()
        .setCode(status.value())
        .setMessage(message == null ? code.name() : message)
        .addDetails(Any.pack(info))
        .build();
    return StatusProto.toStatusRuntimeException(proto);
  }
}
