package io.holdfast.server;

import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.StreamReply;
import io.holdfast.api.v1.WireBatching;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/*
 * The reply side of one call stream (CallStreamImpl): each call's answer, the calls still waiting when the stream
 * ends, and the stream's end once the client half-closed and every call is answered.
 *
 * Replies are batched: a call's answer (on whichever thread completed it, usually a Redis I/O thread) joins the
 * stream's queue, and one drain on the stream's event loop sends everything queued by then, as one StreamReply
 * whose `batch` carries the rest when the client asked for batches (WireBatching), else one message each. Nothing
 * waits for a batch to fill: the drain runs as soon as the loop gets to it, so a lone answer leaves as quickly as
 * before, and a burst (Redis answers many calls per read) leaves as one message and one write instead of one each.
 *
 * Why it is safe: the queue and the stream's state are guarded by this object's monitor; writes to the observer
 * (not thread-safe) are serialised by a second lock, which is never taken while holding the monitor (so no lock
 * order can invert) and is never held by an I/O thread queuing an answer, which therefore never waits for a write. After the stream ended replies are dropped (the client fails and
 * repeats calls that had no answer; every call is idempotent).
 */
final class StreamAnswers {
  private final StreamObserver<StreamReply> observer;
  /** Where replies are written: the stream's event loop (inline outside a server, in unit tests). */
  private final Executor loop;
  /** Whether the client takes several replies per message. */
  private final boolean batches;
  /** Serialises writes to the observer (not thread-safe); never taken while holding this object's monitor. */
  private final Object writes = new Object();
  /** What to do for each call still waiting when the stream ends, by call id (guarded by this). */
  private final Map<Long, Runnable> endHooks = new HashMap<>();
  /** Replies not yet written, in answer order (guarded by this). */
  private List<StreamReply> pending = new ArrayList<>();
  private boolean drainScheduled;
  private int inFlight;
  private boolean halfClosed;
  private boolean ended;

  StreamAnswers(StreamObserver<StreamReply> observer, Executor loop, boolean batches) {
    this.observer = observer;
    this.loop = loop;
    this.batches = batches;
  }

  /** An observer for one call's answer, as the unary implementation completes it. */
  <R> StreamObserver<R> answer(long id, BiFunction<StreamReply.Builder, R, StreamReply.Builder> put) {
    synchronized (this) {
      inFlight++;
    }
    return new CallStreamImpl.CallAnswer<R>() {
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
        synchronized (StreamAnswers.this) {
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

  /**
   * Queues one call's reply from whichever thread answered it (usually a Redis I/O thread) and makes sure one
   * drain is coming on the stream's event loop. Replies answered while a drain is pending leave with it: one hop
   * to the loop for the lot, and one message when the client takes batches.
   */
  private void send(long id, StreamReply reply) {
    boolean schedule;
    synchronized (this) {
      endHooks.remove(id);
      inFlight--;
      if (ended) {
        return;
      }
      pending.add(reply);
      schedule = !drainScheduled;
      drainScheduled = true;
    }
    if (schedule) {
      loop.execute(this::drain);
    }
  }

  /* Writes the queued replies, then ends the stream if the client is done and every call is answered. */
  private void drain() {
    List<StreamReply> batch;
    synchronized (this) {
      batch = pending;
      pending = new ArrayList<>();
      drainScheduled = false;
      if (ended) {
        return;
      }
    }
    synchronized (writes) {
      try {
        if (batches) {
          for (int from = 0; from < batch.size(); from += WireBatching.MAX_PER_MESSAGE) {
            observer.onNext(oneMessage(batch, from));
          }
        } else {
          for (StreamReply reply : batch) {
            observer.onNext(reply);
          }
        }
      } catch (RuntimeException cancelled) {
        synchronized (this) {
          ended = true; // the client went away meanwhile; it repeats unanswered calls elsewhere
        }
        return;
      }
    }
    completeIfDone();
  }

  /* Replies from index from on, at most MAX_PER_MESSAGE, as one message: the first, batching the rest. */
  private static StreamReply oneMessage(List<StreamReply> replies, int from) {
    int to = Math.min(replies.size(), from + WireBatching.MAX_PER_MESSAGE);
    if (to - from == 1) {
      return replies.get(from);
    }
    return replies.get(from).toBuilder().addAllBatch(replies.subList(from + 1, to)).build();
  }

  private void completeIfDone() {
    synchronized (this) {
      if (!halfClosed || inFlight > 0 || !pending.isEmpty() || drainScheduled || ended) {
        return;
      }
      ended = true;
    }
    synchronized (writes) {
      try {
        observer.onCompleted();
      } catch (RuntimeException cancelled) {
        // Already gone.
      }
    }
  }

  /** The client sent its last call: end the stream once every call has its answer. */
  void halfClosed() {
    synchronized (this) {
      halfClosed = true;
    }
    completeIfDone();
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
    }
    synchronized (writes) {
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
