package io.holdfast.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.holdfast.ErrorCode;
import io.holdfast.api.v1.Reason;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/*
 * The errors the service's own code never sees, answered in the one shape every other error has. Two sources:
 * the gRPC layer (a message that is not valid protobuf, such as a string that is not UTF-8, which grpc-java calls
 * INTERNAL and clients retry forever; a message over max-message-bytes, which it answers RESOURCE_EXHAUSTED with
 * no message), mapped here by the GrpcService's exception handler; and the HTTP layer (404, 405, 413, 414, 431 and
 * the like, answered before any service runs), rendered here by the server's error handler: as a gRPC status for a
 * gRPC request, else as the JSON error body of the HTTP/JSON API, {"code", "grpc-code", "message", "details"}
 * with a google.rpc.ErrorInfo. No message names a class of the implementation. Immutable.
 */
final class WireErrors implements ServerErrorHandler, GrpcExceptionHandlerFunction {
  private static final Metadata.Key<byte[]> DETAILS = Metadata.Key.of("grpc-status-details-bin",
      Metadata.BINARY_BYTE_MARSHALLER);
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WireErrors.class);
  private final int maxMessageBytes;

  WireErrors(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** gRPC: a malformed message is INVALID_ARGUMENT, an oversized one RESOURCE_EXHAUSTED, both with ErrorInfo. */
  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    if (metadata.containsKey(DETAILS) || ours(cause)) {
      return null; // a status the service built (Errors): it already has its message and ErrorInfo
    }
    if (ctx.isCancelled()) {
      // The call ended before its answer (the caller's deadline passed or it cancelled): what the framework made of
      // a request cut short is not the caller's mistake, so it is not called malformed.
      return ctx.isTimedOut() ? Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed")
          : Status.CANCELLED.withDescription("the call was cancelled");
    }
    StatusRuntimeException mapped;
    InvalidProtocolBufferException malformed = find(cause);
    String description = String.valueOf(status.getDescription());
    if (malformed != null) {
      mapped = Errors.toStatus(ServiceException.badRequest("the request message is not valid protobuf for "
          + ctx.path() + ": " + malformed.getMessage()));
    } else if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      mapped = Errors.tooLarge(maxMessageBytes);
    } else if (status.getCode() == Status.Code.UNKNOWN || description.contains("compress")) {
      // The framework failed to read the request's frames (a length prefix longer than the data that came, a
      // compressed flag without a grpc-encoding): the caller's mistake, not a server failure.
      log.debug("malformed gRPC request to {}: {}", ctx.path(), status, cause);
      mapped = Errors.toStatus(ServiceException.badRequest("the request to " + ctx.path() + " is not a well-formed"
          + " gRPC message (a length prefix that does not match the data sent, or a compressed flag without a"
          + " grpc-encoding this server accepts)"));
    } else if (status.getCode() == Status.Code.INTERNAL) {
      log.warn("gRPC call {} failed in the framework: {}", ctx.path(), status, cause);
      mapped = Errors.toStatus(new ServiceException(ErrorCode.INTERNAL, Reason.INTERNAL_ERROR,
          Errors.INTERNAL_MESSAGE));
    } else {
      return null; // the framework's own answer (UNIMPLEMENTED for an unknown method, ...): its message is fine
    }
    metadata.removeAll(DETAILS);
    metadata.merge(mapped.getTrailers());
    return mapped.getStatus();
  }

  /**
   * The HTTP status of a failed HTTP/JSON call, where Google's table (which the transcoder follows) says something
   * HTTP clients and proxies misread: an Acquire whose wait ran out (DEADLINE_EXCEEDED) is 409 Conflict, the lock
   * being held, not 504, which says an upstream gateway timed out; an oversized message (RESOURCE_EXHAUSTED) is 413,
   * not 429, which invites a retry of the same body; a server shutting down (ABORTED) is 503, retry elsewhere,
   * but an acquire failed as a deadlock's victim (ABORTED, reason DEADLOCK) is 409 like a wait that ran out: a
   * conflict over the lock that repeating the same call does not resolve. Every other code keeps Google's mapping.
   */
  static HttpStatus httpStatus(ServiceRequestContext ctx, Status status, Throwable cause) {
    return switch (status.getCode()) {
      case DEADLINE_EXCEEDED -> HttpStatus.CONFLICT;
      case RESOURCE_EXHAUSTED -> HttpStatus.REQUEST_ENTITY_TOO_LARGE;
      case ABORTED -> isDeadlock(cause) ? HttpStatus.CONFLICT : HttpStatus.SERVICE_UNAVAILABLE;
      default -> null;
    };
  }

  private static boolean isDeadlock(Throwable cause) {
    Throwable unwrapped = cause == null ? null : Errors.unwrap(cause);
    if (unwrapped instanceof io.holdfast.DeadlockException) {
      return true;
    }
    if (!(unwrapped instanceof StatusRuntimeException status)) {
      return false;
    }
    com.google.rpc.Status proto = StatusProto.fromThrowable(status);
    return proto != null && proto.getDetailsList().stream().filter(any -> any.is(ErrorInfo.class)).anyMatch(any -> {
      try {
        return any.unpack(ErrorInfo.class).getReason().equals(Reason.DEADLOCK.name());
      } catch (InvalidProtocolBufferException e) {
        return false;
      }
    });
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    return null; // the default handling, which ends in renderStatus
  }

  @Override
  public AggregatedHttpResponse renderStatus(ServiceRequestContext ctx, ServiceConfig config, RequestHeaders headers,
      HttpStatus status, String description, Throwable cause) {
    if (status.code() < 400) {
      return null;
    }
    if (status.code() >= 500) {
      log.warn("answered HTTP {} to {}: {}", status.code(), headers == null ? "a request" : headers.path(),
          description, cause);
    }
    StatusRuntimeException error = error(headers, status);
    String contentType = headers == null || headers.contentType() == null ? "" : headers.contentType().toString();
    if (contentType.startsWith("application/grpc")) {
      com.google.rpc.Status proto = StatusProto.fromThrowable(error);
      return AggregatedHttpResponse.of(ResponseHeaders.builder(HttpStatus.OK)
          .contentType(MediaType.parse("application/grpc+proto"))
          .add("grpc-status", Integer.toString(error.getStatus().getCode().value()))
          .add("grpc-message", URLEncoder.encode(error.getStatus().getDescription(), StandardCharsets.UTF_8)
              .replace("+", "%20"))
          .add("grpc-status-details-bin", Base64.getEncoder().withoutPadding().encodeToString(proto.toByteArray()))
          .build());
    }
    return AggregatedHttpResponse.of(status, MediaType.JSON_UTF_8, HttpData.ofUtf8(json(error)));
  }

  /** What an HTTP-layer status means to a caller, as a status with ErrorInfo. */
  private StatusRuntimeException error(RequestHeaders headers, HttpStatus status) {
    String request = headers == null ? "the request" : headers.method() + " " + headers.path();
    int code = status.code();
    if (code == 413) {
      return Errors.tooLarge(maxMessageBytes);
    }
    if (code >= 500) {
      return Errors.toStatus(code == 503
          ? new ServiceException(ErrorCode.UNAVAILABLE, Reason.SHUTTING_DOWN, "the server cannot serve " + request
              + " now (" + status.reasonPhrase() + "); retry, or on another instance")
          : new ServiceException(ErrorCode.INTERNAL, Reason.INTERNAL_ERROR, Errors.INTERNAL_MESSAGE));
    }
    String message = switch (code) {
      case 404 -> "no such call: " + request + "; the calls are listed in docs/server.md";
      case 405 -> "method not allowed: " + request + "; calls are POST, views GET (docs/server.md)";
      case 414 -> "the request URI is too long";
      case 431 -> "the request header fields are too large";
      default -> "bad request: " + request + " (HTTP " + code + " " + status.reasonPhrase() + ")";
    };
    return Errors.toStatus(ServiceException.badRequest(message));
  }

  /** The JSON error body of the HTTP/JSON API for a status built by Errors. */
  static String json(StatusRuntimeException error) {
    Status status = error.getStatus();
    StringBuilder out = new StringBuilder("{\"code\":").append(status.getCode().value())
        .append(",\"grpc-code\":\"").append(status.getCode().name()).append("\",\"message\":")
        .append(JsonRequestCheck.quote(status.getDescription() == null ? status.getCode().name()
            : status.getDescription())).append(",\"details\":[");
    com.google.rpc.Status proto = StatusProto.fromThrowable(error);
    if (proto != null) {
      String separator = "";
      for (com.google.protobuf.Any any : proto.getDetailsList()) {
        if (any.is(ErrorInfo.class)) {
          out.append(separator).append(errorInfo(any));
          separator = ",";
        }
      }
    }
    return out.append("]}").toString();
  }

  private static String errorInfo(com.google.protobuf.Any any) {
    try {
      ErrorInfo info = any.unpack(ErrorInfo.class);
      return "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"" + info.getReason()
          + "\",\"domain\":\"" + info.getDomain() + "\",\"metadata\":{\"error_code\":\""
          + info.getMetadataOrDefault("error_code", "") + "\"}}";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("an ErrorInfo built by Errors did not unpack", e);
    }
  }

  /** Whether the failure is a status the service built: Errors puts an ErrorInfo in every one. */
  private static boolean ours(Throwable cause) {
    return cause instanceof StatusRuntimeException status && status.getTrailers() != null
        && status.getTrailers().containsKey(DETAILS);
  }

  private static InvalidProtocolBufferException find(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof InvalidProtocolBufferException malformed) {
        return malformed;
      }
    }
    return null;
  }
}
