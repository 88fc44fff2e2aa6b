package io.holdfast.client;

import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.StreamCall;
import io.holdfast.api.v1.WireBatching;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/*
 * The request side of one call stream. Until the server says it takes batched calls (its response headers, see
 * WireBatching), every call is written at once, as before. From then on calls queue from the caller threads and one
 * drain on the stream's event loop sends everything queued by then as one StreamCall whose `batch` carries the rest:
 * many workers calling at once cost one message and one write instead of one each. Nothing waits for a batch to
 * fill: the drain runs as soon as the loop gets to it.
 *
 * Order: cancels and the half-close go through the same queue as calls, so a cancel never overtakes the call it
 * cancels and the half-close never overtakes a queued call.
 *
 * Why it is safe: the queue is guarded by this object's monitor; writes to the request observer (not thread-safe)
 * are serialised by a second lock, never taken while holding the monitor, so a caller queuing a call never waits
 * for a write. A write that fails (the stream is going) is dropped: the stream's end fails every call it carried,
 * and those calls are repeated on a new stream.
 */
final class CallOutbox {
  private final StreamObserver<StreamCall> requests;
  private final Supplier<Executor> eventLoop;
  private final BooleanSupplier serverBatches;
  private final Object writes = new Object();
  private List<StreamCall> queued = new ArrayList<>();
  private boolean drainScheduled;
  private boolean halfClosePending;
  private volatile boolean batching;
  /** The stream's event loop once known (set before batching turns true, read only after). */
  private Executor loop;

  /**
   * @param requests the stream's request side
   * @param eventLoop the stream's event loop; may answer null or throw until the stream has its connection (Armeria
   *     picks the endpoint, and with it the loop, only then), and calls are not queued before it answers
   * @param serverBatches whether the server has said it takes batched calls; asked until it says yes
   */
  CallOutbox(StreamObserver<StreamCall> requests, Supplier<Executor> eventLoop, BooleanSupplier serverBatches) {
    this.requests = requests;
    this.eventLoop = eventLoop;
    this.serverBatches = serverBatches;
  }

  /**
   * Sends {@code call} now, or queues it for the next drain once the server takes batches (from then on every
   * write queues, so nothing written later overtakes a queued call).
   */
  void write(StreamCall call) {
    if (batching()) {
      queue(call);
      return;
    }
    synchronized (writes) {
      requests.onNext(call);
    }
  }

  /** Half-closes the stream once everything queued before has been written. */
  void halfClose() {
    synchronized (this) {
      if (!queued.isEmpty() || drainScheduled) {
        halfClosePending = true;
        return;
      }
    }
    synchronized (writes) {
      requests.onCompleted();
    }
  }

  private boolean batching() {
    if (!batching && serverBatches.getAsBoolean()) {
      synchronized (this) {
        Executor known = loopOrNull();
        if (known != null) {
          loop = known;
          batching = true;
        }
      }
    }
    return batching;
  }

  private Executor loopOrNull() {
    try {
      return eventLoop.get();
    } catch (IllegalStateException notConnectedYet) {
      return null;
    }
  }

  private void queue(StreamCall call) {
    boolean schedule;
    synchronized (this) {
      queued.add(call);
      schedule = !drainScheduled;
      drainScheduled = true;
    }
    if (schedule) {
      loop.execute(this::drain);
    }
  }

  private void drain() {
    List<StreamCall> batch;
    boolean halfClose;
    synchronized (this) {
      batch = queued;
      queued = new ArrayList<>();
      drainScheduled = false;
      halfClose = halfClosePending;
      halfClosePending = false;
    }
    synchronized (writes) {
      try {
        for (int from = 0; from < batch.size(); from += WireBatching.MAX_PER_MESSAGE) {
          requests.onNext(oneMessage(batch, from));
        }
        if (halfClose) {
          requests.onCompleted();
        }
      } catch (RuntimeException gone) {
        // The stream is going: its end fails the calls it carried, and they are repeated on a new stream.
      }
    }
  }

  /* Calls from index from on, at most MAX_PER_MESSAGE, as one message: the first, batching the rest. */
  private static StreamCall oneMessage(List<StreamCall> calls, int from) {
    int to = Math.min(calls.size(), from + WireBatching.MAX_PER_MESSAGE);
    if (to - from == 1) {
      return calls.get(from);
    }
    return calls.get(from).toBuilder().addAllBatch(calls.subList(from + 1, to)).build();
  }
}
