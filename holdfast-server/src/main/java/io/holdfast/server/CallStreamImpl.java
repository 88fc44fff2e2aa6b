package io.holdfast.server;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.holdfast.ErrorCode;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.CallStreamGrpc;
import io.holdfast.api.v1.Reason;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.StreamReply;
import io.holdfast.api.v1.WireBatching;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/*
 * CallStream: a client's TryAcquire, Release and KeepAlive over one long-lived bidirectional stream, one message
 * each way per call instead of one HTTP/2 stream per call (the per-stream work of Armeria and Netty, headers,
 * request context and log, was most of the service's CPU per call: docs/benchmarks.md). Each call is handed to the
 * unary implementation with an observer that wraps its answer in a StreamReply carrying the call id, so
 * validation, the caller's Principal (from the stream's Context), store steps, metrics and errors are exactly
 * those of the unary call; a failed call answers its google.rpc.Status and the stream stays open. A waiting
 * TryAcquire ends when the client cancels it (a cancel message naming its call id) or when the stream ends.
 *
 * Replies leave through StreamAnswers, which batches them onto the stream's event loop (and into one message, for a
 * client that asked: WireBatching). The set of open streams is
 * concurrent, so shutdown can end them with ABORTED.
 */
final class CallStreamImpl extends CallStreamGrpc.CallStreamImplBase {
  private final LockServiceImpl locks;
  private final SessionServiceImpl sessions;
  private final Set<StreamAnswers> open = ConcurrentHashMap.newKeySet();

  CallStreamImpl(LockServiceImpl locks, SessionServiceImpl sessions) {
    this.locks = locks;
    this.sessions = sessions;
  }

  @Override
  public StreamObserver<StreamCall> calls(StreamObserver<StreamReply> observer) {
    ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
    StreamAnswers replies = ctx == null ? new StreamAnswers(observer, Runnable::run, false)
        : new StreamAnswers(observer, ctx.eventLoop(),
            "1".equals(ctx.request().headers().get(WireBatching.BATCH_HEADER)));
    if (ctx != null) {
      ctx.mutateAdditionalResponseHeaders(headers -> headers.set(WireBatching.BATCH_HEADER, "1")); // takes batches
    }
    open.add(replies);
    if (observer instanceof ServerCallStreamObserver<StreamReply> server) {
      server.setOnCancelHandler(() -> {
        open.remove(replies);
        replies.cancelled();
      });
    }
    return new StreamObserver<>() {
      @Override
      public void onNext(StreamCall call) {
        dispatch(replies, call);
        for (StreamCall more : call.getBatchList()) {
          if (more.getBatchCount() > 0) {
            replies.<AcquireResponse>answer(more.getCallId(), StreamReply.Builder::setAcquired).onError(
                ServiceException.badRequest("stream call " + more.getCallId() + " is in a batch and carries a batch"
                    + " of its own; batches do not nest"));
          } else {
            dispatch(replies, more);
          }
        }
      }

      @Override
      public void onError(Throwable failure) {
        open.remove(replies);
        replies.cancelled();
      }

      @Override
      public void onCompleted() {
        open.remove(replies);
        replies.halfClosed();
      }
    };
  }

  private void dispatch(StreamAnswers replies, StreamCall call) {
    long id = call.getCallId();
    switch (call.getCallCase()) {
      case TRY_ACQUIRE -> locks.tryAcquire(call.getTryAcquire(), replies.answer(id, StreamReply.Builder::setAcquired));
      case RELEASE -> locks.release(call.getRelease(), replies.answer(id, StreamReply.Builder::setReleased));
      case KEEP_ALIVE -> sessions.keepAlive(call.getKeepAlive(),
          replies.answer(id, StreamReply.Builder::setKeptAlive));
      case CANCEL -> replies.cancel(call.getCancel());
      default -> replies.<AcquireResponse>answer(id, StreamReply.Builder::setAcquired).onError(
          ServiceException.badRequest("stream call " + id + " names no call this server knows"));
    }
  }

  /** Ends every stream of this instance: the server is shutting down. */
  void shutdown() {
    ServiceException closing = new ServiceException(ErrorCode.CLOSED, Reason.SHUTTING_DOWN,
        "this Holdfast server is shutting down; retry on another instance");
    for (StreamAnswers replies : open) {
      open.remove(replies);
      replies.end(closing);
    }
  }

  /**
   * The observer of one call on a stream. A call that waits (an acquire with a wait) registers what ends it when
   * the stream ends: the stream's end is that call's caller going, as a cancel is for a unary call, so a grant
   * made after it is given back rather than held by nobody. Run at once if the stream has already ended.
   */
  interface CallAnswer<R> extends StreamObserver<R> {
    void onStreamEnd(Runnable hook);
  }
}
