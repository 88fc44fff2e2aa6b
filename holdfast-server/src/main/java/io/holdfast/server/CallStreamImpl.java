package io.holdfast.server;

import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.holdfast.ErrorCode;
import io.holdfast.api.v1.AcquireResponse;
import io.holdfast.api.v1.CallStreamGrpc;
import io.holdfast.api.v1.Reason;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.StreamReply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/*
 * CallStream: a client's TryAcquire, Release and KeepAlive over one long-lived bidirectional stream, one message
 * each way per call instead of one HTTP/2 stream per call (the per-stream work of Armeria and Netty, headers,
 * request context and log, was most of the service's CPU per call: docs/benchmarks.md). Each call is handed to the
 * unary implementation with an observer that wraps its answer in a StreamReply carrying the call id, so
 * validation, the caller's Principal (from the stream's Context), store steps, metrics and errors are exactly
 * those of the unary call; a failed call answers its google.rpc.Status and the stream stays open. A waiting
 * TryAcquire ends when the client cancels it (a cancel message naming its call id) or when the stream ends.
 *
 * Why it is safe: a stream's replies are written under that stream's monitor (a StreamObserver is not
 * thread-safe), and after the stream ended they are dropped (the client fails and repeats calls that had no answer;
 * every call is idempotent). The set of open streams is concurrent, so shutdown can end them with ABORTED.
 */
final class CallStreamImpl extends CallStreamGrpc.CallStreamImplBase {
  private final LockServiceImpl locks;
  private final SessionServiceImpl sessions;
  private final Set<Answers> open = ConcurrentHashMap.newKeySet();

  CallStreamImpl(LockServiceImpl locks, SessionServiceImpl sessions) {
    this.locks = locks;
    this.sessions = sessions;
  }

  @Override
  public StreamObserver<StreamCall> calls(StreamObserver<StreamReply> observer) {
    Answers replies = new Answers(observer);
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

  private void dispatch(Answers replies, StreamCall call) {
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
    for (Answers replies : open) {
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

  /* The reply side of one stream; see the class comment for why it is safe. */
  private static final class Answers {
    private final StreamObserver<StreamReply> observer;
    /** What to do for each call still waiting when the stream ends, by call id (guarded by this). */
    private final Map<Long, Runnable> endHooks = new HashMap<>();
    private int inFlight;
    private boolean halfClosed;
    private boolean ended;

    Answers(StreamObserver<StreamReply> observer) {
      this.observer = observer;
    }

    /** An observer for one call's answer, as the unary implementation completes it. */
    <R> StreamObserver<R> answer(long id, BiFunction<StreamReply.Builder, R, StreamReply.Builder> put) {
      synchronized (this) {
        inFlight++;
      }
      return new CallAnswer<R>() {
        @Override
        public void onNext(R value) {
          send(id, put.apply(StreamReply.newBuilder().setCallId(id), value).build());
        }

        @Override
        public void onError(Throwable failure) {
          send(id, StreamReply.newBuilder().setCallId(id).setError(status(failure)).build());
        }

        @Override
        public void onCompleted() {
          // The answer was sent with onNext (or onError).
        }

        @Override
        public void onStreamEnd(Runnable hook) {
          boolean gone;
          synchronized (Answers.this) {
            gone = ended;
            if (!gone) {
              endHooks.put(id, hook);
            }
          }
          if (gone) {
            hook.run();
          }
        }
      };
    }

    private synchronized void send(long id, StreamReply reply) {
      endHooks.remove(id);
      inFlight--;
      if (ended) {
        return;
      }
      try {
        observer.onNext(reply);
        if (halfClosed && inFlight == 0) {
          ended = true;
          observer.onCompleted();
        }
      } catch (RuntimeException cancelled) {
        ended = true; // the client went away meanwhile; it repeats unanswered calls elsewhere
      }
    }

    /** The client sent its last call: end the stream once every call has its answer. */
    synchronized void halfClosed() {
      halfClosed = true;
      if (inFlight == 0 && !ended) {
        ended = true;
        observer.onCompleted();
      }
    }

    void cancelled() {
      synchronized (this) {
        ended = true;
      }
      callersGone();
    }

    void end(ServiceException why) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
        try {
          observer.onError(Errors.toStatus(why));
        } catch (RuntimeException cancelled) {
          // Already gone.
        }
      }
      callersGone();
    }

    /** The client stopped waiting for call {@code id}: end its wait, if it is still waiting. No reply. */
    void cancel(long id) {
      Runnable hook;
      synchronized (this) {
        hook = endHooks.remove(id);
      }
      if (hook != null) {
        hook.run(); // outside the monitor: ending the wait answers the call on this stream
      }
    }

    /* Outside the monitor: a hook ends a wait, whose give-back may answer on this stream (dropped: ended). */
    private void callersGone() {
      List<Runnable> hooks;
      synchronized (this) {
        hooks = new ArrayList<>(endHooks.values());
        endHooks.clear();
      }
      hooks.forEach(Runnable::run);
    }

    private static com.google.rpc.Status status(Throwable failure) {
      com.google.rpc.Status proto = StatusProto.fromThrowable(Errors.toStatus(failure));
      if (proto != null) {
        return proto;
      }
      Status status = Status.fromThrowable(failure);
      return com.google.rpc.Status.newBuilder().setCode(status.getCode().value())
          .setMessage(status.getDescription() == null ? status.getCode().name() : status.getDescription()).build();
    }
  }
}
