package io.holdfast.client;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.holdfast.LockName;
import io.holdfast.api.v1.WatchEvent;
import io.holdfast.api.v1.WatchRequest;
import io.holdfast.spi.ReleaseSubscription;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One release subscription of the engine, as a Watch stream: the subscription is active once the server says
 * SUBSCRIBED, and each RELEASED runs the engine's callback. If the stream breaks later (the instance shut down or
 * failed), it is opened again after a short pause, on whichever instance is healthy, and the callback runs once
 * in case a release fell into the gap; the engine's re-check timer covers the rest. State is guarded by this
 * object's monitor; callbacks arrive on Armeria threads. The same code watches a read/write lock or a semaphore
 * (PrimitiveService.WatchHolders, whose events are the same), given the call that opens its stream.
 */
final class ReleaseWatch implements ReleaseSubscription {
  private static final Logger log = LoggerFactory.getLogger(ReleaseWatch.class);
  private static final long RESUBSCRIBE_MS = 300;

  private final ScheduledExecutorService timer;
  private final String what;
  private final Consumer<StreamObserver<WatchEvent>> opener;
  private final Runnable onRelease;
  private final CompletableFuture<ReleaseSubscription> subscribed = new CompletableFuture<>();
  private ClientCallStreamObserver<?> stream;
  private boolean closed;

  ReleaseWatch(ServiceChannel channel, ScheduledExecutorService timer, LockName name, Runnable onRelease) {
    this(timer, "lock '" + name + "'", observer -> channel.watches.watch(
        WatchRequest.newBuilder().setName(name.value()).build(), observer), onRelease);
  }

  /**
   * A watch of any stream of WatchEvents.
   *
   * @param what what is watched, for messages ("read/write lock 'x'")
   * @param opener opens the stream with the given observer (which is a {@link ClientResponseObserver})
   */
  ReleaseWatch(ScheduledExecutorService timer, String what, Consumer<StreamObserver<WatchEvent>> opener,
      Runnable onRelease) {
    this.timer = timer;
    this.what = what;
    this.opener = opener;
    this.onRelease = onRelease;
  }

  CompletableFuture<ReleaseSubscription> start() {
    open();
    return subscribed;
  }

  private void open() {
    opener.accept(new Observer<>());
  }

  private final class Observer<Q> implements ClientResponseObserver<Q, WatchEvent> {
    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
      synchronized (ReleaseWatch.this) {
        if (closed) {
          requestStream.cancel("subscription closed", null);
          return;
        }
        stream = requestStream;
      }
    }

    @Override
    public void onNext(WatchEvent event) {
      if (event.getKind() == WatchEvent.Kind.SUBSCRIBED) {
        if (!subscribed.complete(ReleaseWatch.this)) {
          onRelease.run();
        }
      } else if (event.getKind() == WatchEvent.Kind.RELEASED) {
        onRelease.run();
      }
    }

    @Override
    public void onError(Throwable failure) {
      ended(failure);
    }

    @Override
    public void onCompleted() {
      ended(null);
    }
  }

  private void ended(Throwable failure) {
    synchronized (this) {
      stream = null;
      if (closed) {
        return;
      }
    }
    if (!subscribed.isDone()) {
      subscribed.completeExceptionally(Rpc.toHoldfast(failure == null ? new IllegalStateException(
          "the server ended the Watch stream at once") : failure, "watching " + what));
      return;
    }
    log.debug("Watch stream for {} ended ({}); opening it again", what,
        failure == null ? "completed" : Rpc.describe(Rpc.unwrap(failure)));
    try {
      timer.schedule(this::reopen, RESUBSCRIBE_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      close();
    }
  }

  private void reopen() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    open();
  }

  @Override
  public void close() {
    ClientCallStreamObserver<?> toCancel;
    synchronized (this) {
      closed = true;
      toCancel = stream;
      stream = null;
    }
    if (toCancel != null) {
      toCancel.cancel("subscription closed", null);
    }
  }
}
