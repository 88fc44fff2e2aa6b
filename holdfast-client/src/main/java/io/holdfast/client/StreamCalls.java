package io.holdfast.client;

import com.linecorp.armeria.client.ClientRequestContext;
import com.linecorp.armeria.client.ClientRequestContextCaptor;
import com.linecorp.armeria.client.Clients;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.AcquireRequest;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.KeepAliveResponse;
import io.holdfast.api.v1.ReleaseRequest;
import io.holdfast.api.v1.ReleaseResponse;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.WireBatching;
import io.holdfast.api.v1.StreamReply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * The client's busy calls (TryAcquire, Release, KeepAlive) over one CallStream.Calls stream instead of one unary
 * call each: one message each way per call, where a unary call costs a whole HTTP/2 stream with its headers,
 * request context and log at both ends (most of the service's CPU per cycle: docs/benchmarks.md). Answers match
 * their calls by call id and may come in any order; each call is timed out on its own after the operation timeout
 * (plus the wait it asked the server for).
 *
 * Failures: a call the server refuses fails with the Status the unary call would have (same ErrorInfo), so Rpc
 * maps it the same way. A stream that ends fails the calls it carried with UNAVAILABLE (transient: the engine
 * repeats them, and every call is idempotent through request ids and owner/token checks), and the next call
 * opens a new stream, on whichever instance is healthy then; after an UNAVAILABLE answer no new call is sent on
 * that stream (it ends once its calls are answered), so that a retry can move to another instance as a unary
 * call would. A server without CallStream answers
 * UNIMPLEMENTED, after which this client uses the unary calls for good. The client asks for batched replies
 * (WireBatching.BATCH_HEADER): a reply message may answer several calls, each matched by its own call id; and once
 * the server's response headers say it takes batched calls, calls leave through the stream's CallOutbox, which
 * sends those made together as one message.
 *
 * Thread-safety: the request side of a gRPC stream is not thread-safe, so the current stream is opened, written
 * and retired under this object's monitor; each stream's pending calls are in a concurrent map.
 */
final class StreamCalls implements AutoCloseable {
  private final ServiceChannel channel;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();
  /** How to cancel each waiting acquire in flight, by request id. */
  private final Map<Long, Runnable> waiting = new ConcurrentHashMap<>();
  private Stream stream;
  private boolean closed;
  private volatile boolean unaryOnly;

  StreamCalls(ServiceChannel channel, Duration timeout) {
    this.channel = channel;
    this.timeout = timeout;
  }

  /**
   * One TryAcquire; a request with a wait is given that much longer than the operation timeout to answer. On the
   * unary fallback (a server without CallStream) the wait is dropped: a unary call's deadline is the operation
   * timeout, and the caller waits on its own there ({@link #waitsOnServer()} is false).
   */
  CompletableFuture<AcquireResponse> tryAcquire(AcquireRequest request) {
    Duration wait = Duration.ofMillis(request.getWaitTimeoutMs());
    AcquireRequest unaryRequest = request.getWaitTimeoutMs() == 0 ? request
        : request.toBuilder().setWaitTimeoutMs(0).build();
    return call(StreamCall.newBuilder().setTryAcquire(request), StreamReply::getAcquired,
        () -> Rpc.call(channel.locks::tryAcquire, unaryRequest), wait,
        wait.isZero() ? 0 : request.getRequestId());
  }

  /**
   * Ends the waiting acquire with this request id that is in flight on a stream, if there is one: the server ends
   * its wait and gives back a grant it makes afterwards. A no-op when it has been answered.
   */
  void abandon(long requestId) {
    Runnable cancel = waiting.remove(requestId);
    if (cancel != null) {
      cancel.run();
    }
  }

  private void cancel(Stream on, long callId) {
    synchronized (this) {
      if (on.ended) {
        return; // the server ends the waits of an ended stream itself
      }
      try {
        on.outbox.write(StreamCall.newBuilder().setCallId(ids.incrementAndGet()).setCancel(callId).build());
      } catch (RuntimeException gone) {
        // The stream is going; its end ends the wait on the server.
      }
    }
  }

  /** Whether acquire calls go over the call stream, where the server may wait for the caller. */
  boolean waitsOnServer() {
    return !unaryOnly;
  }

  CompletableFuture<ReleaseResponse> release(ReleaseRequest request) {
    return call(StreamCall.newBuilder().setRelease(request), StreamReply::getReleased,
        () -> Rpc.call(channel.locks::release, request), Duration.ZERO, 0);
  }

  CompletableFuture<KeepAliveResponse> keepAlive(KeepAliveRequest request) {
    return call(StreamCall.newBuilder().setKeepAlive(request), StreamReply::getKeptAlive,
        () -> Rpc.call(channel.sessions::keepAlive, request), Duration.ZERO, 0);
  }

  private <R> CompletableFuture<R> call(StreamCall.Builder call, Function<StreamReply, R> answer,
      Supplier<CompletableFuture<R>> unary, Duration wait, long waitingRequest) {
    if (unaryOnly) {
      return unary.get();
    }
    return send(call, timeout.plus(wait), waitingRequest).handle((reply, failure) -> {
      if (failure != null) {
        return unaryOnly ? unary.get() : CompletableFuture.<R>failedFuture(failure);
      }
      if (reply.hasError()) {
        return CompletableFuture.<R>failedFuture(StatusProto.toStatusRuntimeException(reply.getError()));
      }
      return CompletableFuture.completedFuture(answer.apply(reply));
    }).thenCompose(stage -> stage);
  }

  /* waitingRequest: the request id of a waiting acquire, which abandon() may cancel; 0 for any other call. */
  private CompletableFuture<StreamReply> send(StreamCall.Builder call, Duration answerWithin, long waitingRequest) {
    long id = ids.incrementAndGet();
    CompletableFuture<StreamReply> reply = new CompletableFuture<>();
    Stream on;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(unavailable("the client is closed"));
      }
      if (stream == null || stream.ended || stream.retired) {
        Stream fresh = new Stream();
        fresh.outbox = open(fresh); // before it becomes current: a failed open leaves no half-made stream
        stream = fresh;
      }
      on = stream;
      on.pending.put(id, reply);
      try {
        on.outbox.write(call.setCallId(id).build());
      } catch (RuntimeException e) {
        on.pending.remove(id);
        return CompletableFuture.failedFuture(e);
      }
    }
    Runnable cancel = waitingRequest == 0 ? null : () -> cancel(on, id);
    if (cancel != null) {
      waiting.put(waitingRequest, cancel);
    }
    return reply.orTimeout(answerWithin.toMillis(), TimeUnit.MILLISECONDS).whenComplete((answer, failure) -> {
      on.pending.remove(id);
      if (cancel != null) {
        waiting.remove(waitingRequest, cancel);
      }
      if (answer != null && answer.getError().getCode() == Status.Code.UNAVAILABLE.value()) {
        retire(on);
      }
    }).exceptionallyCompose(failure -> CompletableFuture.failedFuture(
        Rpc.unwrap(failure) instanceof TimeoutException
            ? Status.DEADLINE_EXCEEDED.withDescription("no answer on the call stream within "
                + answerWithin.toMillis() + " ms").asRuntimeException()
            : failure));
  }

  /* Opens a stream to {@code replies}, noting its event loop and whether the server's headers announce batches. */
  private CallOutbox open(Stream replies) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    try (ClientRequestContextCaptor captor = Clients.newContextCaptor()) {
      StreamObserver<StreamCall> requests = channel.streams
          .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()))
          .calls(replies);
      ClientRequestContext ctx = captor.getOrNull();
      return new CallOutbox(requests, () -> ctx == null ? null : ctx.eventLoop(),
          () -> WireBatching.announced(headers.get()));
    }
  }

  /**
   * Sends no more calls on the current stream (the server still answers those in flight): an instance that
   * answered UNAVAILABLE may have lost its Redis, and the next call's new stream goes to a healthy instance.
   */
  private void retire(Stream answered) {
    synchronized (this) {
      if (answered.retired) {
        return;
      }
      answered.retired = true;
      if (stream == answered) {
        stream = null;
      }
    }
    answered.outbox.halfClose();
  }

  private static StatusRuntimeException unavailable(String why) {
    return Status.UNAVAILABLE.withDescription(why).asRuntimeException();
  }

  /** Ends the stream: the server answers the calls in flight, then ends its side. */
  @Override
  public void close() {
    Stream last;
    synchronized (this) {
      closed = true;
      last = stream;
    }
    if (last != null) {
      retire(last);
    }
  }

  /* One stream and the calls waiting for an answer on it; see the class comment for why it is safe. */
  private final class Stream implements StreamObserver<StreamReply> {
    final Map<Long, CompletableFuture<StreamReply>> pending = new ConcurrentHashMap<>();
    CallOutbox outbox;
    boolean ended; // guarded by StreamCalls.this
    boolean retired; // guarded by StreamCalls.this: no new call is sent on it, and it was half-closed

    @Override
    public void onNext(StreamReply reply) {
      answer(reply);
      for (StreamReply more : reply.getBatchList()) {
        answer(more);
      }
    }

    private void answer(StreamReply reply) {
      CompletableFuture<StreamReply> waiting = pending.remove(reply.getCallId());
      if (waiting != null) {
        waiting.complete(reply);
      }
    }

    @Override
    public void onError(Throwable failure) {
      if (failure instanceof StatusRuntimeException status
          && status.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        unaryOnly = true;
      }
      ended(failure);
    }

    @Override
    public void onCompleted() {
      ended(unavailable("the lock service ended the call stream"));
    }

    void ended(Throwable failure) {
      synchronized (StreamCalls.this) {
        ended = true; // under the monitor, so a call either sees it and opens a new stream or is failed below
      }
      Throwable cause = failure instanceof StatusRuntimeException ? failure
          : unavailable("the call stream failed: " + Rpc.describe(failure));
      for (Long id : pending.keySet()) {
        CompletableFuture<StreamReply> waiting = pending.remove(id);
        if (waiting != null) {
          waiting.completeExceptionally(cause);
        }
      }
    }
  }
}
