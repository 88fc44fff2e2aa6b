package io.holdfast;

import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** An embedded backend with switchable faults and call counters, for engine tests. */
final class FaultyBackend implements LockBackend {
  static final class TransientFailure extends IOException {
    private static final long serialVersionUID = 1L;

    TransientFailure() {
      super("injected connection loss");
    }
  }

  private final LockBackend delegate = EmbeddedBackend.open(URI.create("embedded:faulty-" + System.nanoTime()));
  final AtomicInteger acquireCalls = new AtomicInteger();
  final AtomicInteger renewCalls = new AtomicInteger();
  final AtomicInteger renewedLeases = new AtomicInteger();
  final AtomicInteger releaseCalls = new AtomicInteger();
  final AtomicInteger subscribeCalls = new AtomicInteger();
  final AtomicInteger subscriptionsClosed = new AtomicInteger();
  volatile boolean failSubscribe;
  volatile int failNextAcquires;
  volatile boolean failAll;
  volatile boolean renewHangs;
  volatile boolean loseReleaseReplies;
  /** Lock names whose renewals get no answer, as if on a failed node; the rest of a batch is answered. */
  final java.util.Set<String> unansweredNames = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** How long a lost reply takes to fail (a timeout); zero fails at once. */
  volatile Duration lostReplyDelay = Duration.ZERO;
  /** When set, acquire answers wait for it (the acquire itself happens at once), as on a slow network. */
  volatile CompletableFuture<Void> replyGate;
  /** The name of the thread each acquire call was made on, in call order. */
  final List<String> acquireThreads = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl, long id) {
    acquireCalls.incrementAndGet();
    acquireThreads.add(Thread.currentThread().getName());
    CompletableFuture<Void> gate = replyGate;
    if (gate != null) {
      return delegate.tryAcquire(name, owner, ttl, id).thenCombine(gate, (outcome, open) -> outcome);
    }
    if (failAll) {
      return CompletableFuture.failedFuture(new TransientFailure());
    }
    if (failNextAcquires > 0) {
      failNextAcquires--;
      // The grant happens but the reply is lost: the retry must not count a second hold.
      delegate.tryAcquire(name, owner, ttl, id);
      return lostReply();
    }
    return delegate.tryAcquire(name, owner, ttl, id);
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken token, long id) {
    releaseCalls.incrementAndGet();
    if (failAll) {
      return CompletableFuture.failedFuture(new TransientFailure());
    }
    if (loseReleaseReplies) {
      loseReleaseReplies = false;
      delegate.release(name, owner, token, id);
      return lostReply();
    }
    return delegate.release(name, owner, token, id);
  }

  private <T> CompletableFuture<T> lostReply() {
    CompletableFuture<T> failed = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(lostReplyDelay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
        .execute(() -> failed.completeExceptionally(new TransientFailure()));
    return failed;
  }

  @Override
  public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    renewCalls.incrementAndGet();
    renewedLeases.addAndGet(leases.size());
    if (renewHangs) {
      return new CompletableFuture<>();
    }
    if (failAll) {
      return CompletableFuture.failedFuture(new TransientFailure());
    }
    return delegate.renew(leases);
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewEach(List<RenewRequest> leases) {
    List<RenewRequest> answered = leases.stream().filter(l -> !unansweredNames.contains(l.name().value())).toList();
    return renew(answered).thenApply(renewed -> {
      java.util.Iterator<Boolean> next = renewed.iterator();
      return leases.stream().map(l -> unansweredNames.contains(l.name().value()) ? RenewOutcome.UNKNOWN
          : next.next() ? RenewOutcome.RENEWED : RenewOutcome.NOT_HELD).toList();
    });
  }

  @Override
  public CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return delegate.inspect(name);
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
    subscribeCalls.incrementAndGet();
    if (failSubscribe) {
      return CompletableFuture.failedFuture(new TransientFailure());
    }
    return delegate.subscribe(name, onRelease).thenApply(subscription -> () -> {
      subscriptionsClosed.incrementAndGet();
      subscription.close();
    });
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return failure instanceof TransientFailure;
  }

  @Override
  public String describe() {
    return "faulty-embedded";
  }

  @Override
  public void close() {
    delegate.close();
  }
}
