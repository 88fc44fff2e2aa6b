package io.holdfast.verify;

import io.holdfast.ClientFactory;
import io.holdfast.FencingToken;
import io.holdfast.HoldfastOptions;
import io.holdfast.LockName;
import io.holdfast.LockState;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.LockBackendProvider;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewOutcome;
import io.holdfast.spi.RenewRequest;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/*
 * The real backend, with every fair attempt that Redis answers busy with a place in line reported to the checker
 * (the "queued" events the FIFO check C7 reads): what Redis answered (the ticket acquire.lua returns), stamped with
 * System.nanoTime just before the attempt was handed to the backend and just after its answer, so the checker's
 * mapping can only widen it. Everything else is passed through untouched, so the library's wait loop, renewal and
 * release are exactly those under test. Served for fair-tap+<uri> (and, as the negative control, fair-barging+<uri>:
 * after a fair busy answer it tries the plain lock at once, so a waiter passes those ahead of it whenever the lock
 * is free during a hand-off) by Provider; Holdfast.connect makes the backend through ServiceLoader, so the client
 * JVM hands its sink over by client name (SINKS) before connecting.
 */
final class FairTap implements LockBackend {
  static final String TAP = "fair-tap+";
  static final String BARGING = "fair-barging+";
  private static final Map<String, Sink> SINKS = new ConcurrentHashMap<>();

  /** Where a client JVM's queued events go. */
  @FunctionalInterface
  interface Sink {
    /**
     * A fair attempt sent at {@code sentStamp} asking to keep its place for {@code keep} was answered busy at
     * {@code answerStamp} with place {@code ticket} in line.
     */
    void queued(String lock, String owner, long ticket, long sentStamp, long answerStamp, Duration keep);
  }

  private final LockBackend delegate;
  private final Sink sink;
  private final boolean barging;

  private FairTap(LockBackend delegate, Sink sink, boolean barging) {
    this.delegate = delegate;
    this.sink = sink;
    this.barging = barging;
  }

  /** Routes the queued events of the client named {@code clientName} to {@code sink}; call before connecting. */
  static void register(String clientName, Sink sink) {
    SINKS.put(clientName, sink);
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquireFair(LockName name, OwnerToken owner, Duration ttl,
      long requestId, Duration wait, Duration queueKeep) {
    long sent = System.nanoTime();
    CompletableFuture<AcquireOutcome> attempt = delegate.tryAcquireFair(name, owner, ttl, requestId, wait, queueKeep)
        .thenApply(outcome -> {
          if (outcome instanceof AcquireOutcome.Busy busy && busy.ticket() > 0) {
            sink.queued(name.value(), owner.value(), busy.ticket(), sent, System.nanoTime(), queueKeep);
          }
          return outcome;
        });
    return barging ? attempt.thenCompose(outcome -> outcome instanceof AcquireOutcome.Busy
        ? delegate.tryAcquire(name, owner, ttl, requestId) : CompletableFuture.completedFuture(outcome)) : attempt;
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl, long requestId) {
    return delegate.tryAcquire(name, owner, ttl, requestId);
  }

  @Override
  public CompletableFuture<AcquireOutcome> tryAcquire(LockName name, OwnerToken owner, Duration ttl, long requestId,
      Duration wait) {
    return delegate.tryAcquire(name, owner, ttl, requestId, wait);
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribeHandOffs(LockName name, Consumer<String> onRelease) {
    return delegate.subscribeHandOffs(name, onRelease);
  }

  @Override
  public Duration longestWait() {
    return delegate.longestWait();
  }

  @Override
  public void abandon(long requestId) {
    delegate.abandon(requestId);
  }

  @Override
  public CompletableFuture<ReleaseOutcome> release(LockName name, OwnerToken owner, FencingToken fencingToken,
      long requestId) {
    return delegate.release(name, owner, fencingToken, requestId);
  }

  @Override
  public CompletableFuture<List<Boolean>> renew(List<RenewRequest> leases) {
    return delegate.renew(leases);
  }

  @Override
  public CompletableFuture<List<RenewOutcome>> renewEach(List<RenewRequest> leases) {
    return delegate.renewEach(leases);
  }

  @Override
  public CompletableFuture<Optional<LockState>> inspect(LockName name) {
    return delegate.inspect(name);
  }

  @Override
  public CompletableFuture<ReleaseSubscription> subscribe(LockName name, Runnable onRelease) {
    return delegate.subscribe(name, onRelease);
  }

  @Override
  public boolean isTransient(Throwable failure) {
    return delegate.isTransient(failure);
  }

  @Override
  public boolean neverSent(Throwable failure) {
    return delegate.neverSent(failure);
  }

  @Override
  public <T> Optional<T> feature(Class<T> type) {
    return delegate.feature(type);
  }

  @Override
  public CompletableFuture<Optional<Instant>> time() {
    return delegate.time();
  }

  @Override
  public String describe() {
    return delegate.describe() + (barging ? " (NEGATIVE CONTROL: fair attempts barge)" : "");
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** Serves fair-tap+URI and fair-barging+URI; listed in META-INF/services. */
  public static final class Provider implements LockBackendProvider {
    /** For ServiceLoader. */
    public Provider() { }

    @Override
    public boolean supports(URI backend) {
      String scheme = backend.getScheme();
      return scheme != null && (scheme.startsWith(TAP) || scheme.startsWith(BARGING));
    }

    @Override
    public LockBackend open(HoldfastOptions o) {
      String uri = o.backend().toString();
      boolean barging = uri.startsWith(BARGING);
      URI inner = URI.create(uri.substring(barging ? BARGING.length() : TAP.length()));
      HoldfastOptions real = new HoldfastOptions(inner, o.clientName(), o.keyPrefix(), o.meterRegistry(),
          o.wallClock(), o.operationTimeout(), o.retryBudget(), o.initialBackoff(), o.maxBackoff(),
          o.recheckInterval(), o.renewalFraction(), o.driftFactor(), o.renewalBatchSize());
      Sink sink = SINKS.getOrDefault(o.clientName(), (lock, owner, ticket, sent, answered, keep) -> { });
      return new FairTap(ClientFactory.openBackend(real), sink, barging);
    }
  }
}
