package io.holdfast;

import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import io.holdfast.spi.ReleaseOutcome;
import io.holdfast.spi.RenewRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The Holdfast client over any LockBackend. Safety rests on the backend's atomic, token-checked operations; this
 * class only adds waiting, retry, renewal scheduling, listeners and metrics, none of which can grant a lock by
 * itself. Grants are tracked per (name, owner, token) so that re-entrant holds share one renewal and one loss
 * signal. Shared state is in concurrent maps; per-grant transitions are compare-and-set in Grant.
 */
final class LockClient implements Holdfast {
  private static final Logger log = LoggerFactory.getLogger(LockClient.class);

  private final HoldfastOptions options;
  private final LockBackend backend;
  private final ClientThreads threads;
  private final ClientMetrics metrics;
  private final Backoff backoff;
  private final Retrier retrier;
  private final WakeupHub wakeups;
  private final RenewalScheduler renewals;
  private final Map<Grant.Key, Grant> grants = new ConcurrentHashMap<>();
  private final Set<AcquireOperation> operations = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  LockClient(HoldfastOptions options, LockBackend backend) {
    this.options = options;
    this.backend = backend;
    this.threads = new ClientThreads(options.clientName());
    this.metrics = new ClientMetrics(options.meterRegistry(), options.clientName());
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
    this.retrier = new Retrier(backend, threads.scheduler(), options, metrics);
    this.wakeups = new WakeupHub(backend);
    this.renewals = new RenewalScheduler(this, backend, threads.scheduler());
    metrics.gauges(grants::size, wakeups::waiterCount);
  }

  @Override
  public Lease acquire(String name, Duration leaseTtl) {
    return acquire(AcquireRequest.of(name, leaseTtl));
  }

  @Override
  public Lease acquire(AcquireRequest request) {
    return Failures.join(acquireAsync(request), "acquire of lock '" + request.name() + "'");
  }

  @Override
  @Deprecated
  public Optional<Lease> tryAcquire(String name, Duration leaseTtl, Duration waitTimeout) {
    return tryAcquire(AcquireRequest.of(name, leaseTtl).withWait(waitTimeout));
  }

  @Override
  public Optional<Lease> tryAcquire(AcquireRequest request) {
    return Failures.join(tryAcquireAsync(request), "acquire of lock '" + request.name() + "'");
  }

  @Override
  public CompletableFuture<Lease> acquireAsync(AcquireRequest request) {
    CompletableFuture<Optional<Lease>> attempt = tryAcquireAsync(request);
    CompletableFuture<Lease> result = attempt.thenApply(lease -> lease.orElseThrow(() ->
        new LockWaitTimeoutException("lock '" + request.name() + "' still held by another owner after waiting "
            + request.waitTimeout().toMillis() + " ms")));
    result.whenComplete((lease, failure) -> {
      if (result.isCancelled()) {
        attempt.cancel(false);
      }
    });
    return result;
  }

  @Override
  public CompletableFuture<Optional<Lease>> tryAcquireAsync(AcquireRequest request) {
    if (request == null) {
      throw new InvalidArgumentException("acquire request must not be null");
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException("acquire lock '" + request.name() + "'"));
    }
    AcquireOperation operation = new AcquireOperation(this, backend, request);
    operations.add(operation);
    if (closed.get()) {
      operation.failClosed();
    }
    return operation.start();
  }

  @Override
  public Optional<LockState> inspect(String name) {
    LockName lockName = LockName.of(name);
    return Failures.join(retrier.call("inspect", "inspect of lock '" + name + "'",
        attempt -> backend.inspect(lockName)), "inspect of lock '" + name + "'");
  }

  @Override
  public MeterRegistry meterRegistry() {
    return options.meterRegistry();
  }

  @Override
  public String describeBackend() {
    return backend.describe();
  }

  /** Called by an acquire operation when the backend granted: records the hold and starts renewal. */
  HeldLease granted(AcquireRequest request, AcquireOutcome.Granted outcome, long sentNanos) {
    Grant.Key key = new Grant.Key(request.name(), request.owner(), outcome.fencingToken());
    Grant grant = grants.computeIfAbsent(key, k -> new Grant(k, request.leaseTtl(), options, sentNanos));
    grant.confirmed(sentNanos);
    HeldLease lease = new HeldLease(grant, this, outcome.holdCount(), options.wallClock().instant(), request);
    grant.addHold(lease);
    renewals.track(grant);
    log.debug("lock '{}' granted to owner {} with fencing token {} (holds {})", request.name(), request.owner(),
        outcome.fencingToken(), outcome.holdCount());
    return lease;
  }

  CompletableFuture<Void> release(HeldLease lease, boolean tolerateReleased) {
    String what = "release of lock '" + lease.name() + "' by owner " + lease.owner();
    if (!lease.claimRelease()) {
      return tolerateReleased ? CompletableFuture.completedFuture(null)
          : CompletableFuture.failedFuture(new InvalidArgumentException(what + ": this lease was already released"));
    }
    // Asked of the backend even when this client already declared the grant lost: a loss noticed locally
    // (UNCONFIRMED) may leave the grant in the backend, and only the owner can free it before its TTL.
    Grant grant = lease.grant();
    long requestId = ThreadLocalRandom.current().nextLong();
    boolean validAtStart = grant.isValidAt(System.nanoTime());
    boolean[] retried = new boolean[1];
    return retrier.call("release", what, attempt -> {
      retried[0] = attempt > 0;
      return backend.release(lease.name(), lease.owner(), lease.fencingToken(), requestId);
    }).thenAccept(outcome -> afterRelease(lease, outcome, retried[0] && validAtStart, what))
        .exceptionallyCompose(failure -> lostIfUnreachable(grant, failure, what));
  }

  /*
   * A lease already declared lost whose release could not reach the backend reports the loss it is known for,
   * not the outage: the caller's question at release is whether its work was exclusive, and the grant ends at its
   * TTL either way. The backend failure rides along as a suppressed exception.
   */
  private static CompletableFuture<Void> lostIfUnreachable(Grant grant, Throwable failure, String what) {
    Throwable cause = Failures.unwrap(failure);
    if (grant.state() == Grant.State.LOST && cause instanceof BackendUnavailableException) {
      LeaseLostException lost = lostException(what, grant);
      lost.addSuppressed(cause);
      return CompletableFuture.failedFuture(lost);
    }
    return CompletableFuture.failedFuture(cause);
  }

  /*
   * The backend's answer decides: "released" is a success even for a grant declared lost here (it survived in the
   * backend under this token, so nobody else held the lock meanwhile), "not owner" is a LeaseLostException.
   * "Not owner" after an ambiguous attempt cannot tell whether that attempt released the lock or the lease had
   * expired. It counts as released only if the lease was still valid by its local deadline (which ends before
   * Redis's expiry) when release() began: then the guarded work was exclusive up to the release, which is all a
   * successful release promises. A lease already past its deadline reports the loss, as without the retry.
   */
  private void afterRelease(HeldLease lease, ReleaseOutcome outcome, boolean retriedWhileValid, String what) {
    Grant grant = lease.grant();
    int localLeft = grant.removeHold(lease);
    if (outcome instanceof ReleaseOutcome.Released || retriedWhileValid) {
      if (localLeft <= 0 && grant.markReleased()) {
        forget(grant);
        metrics.held(System.nanoTime() - grant.grantedAtNanos());
      }
      return;
    }
    declareLost(grant, LeaseLostReason.NOT_OWNER);
    throw lostException(what, grant);
  }

  CompletableFuture<Void> renew(HeldLease lease) {
    String what = "renewal of lock '" + lease.name() + "' by owner " + lease.owner();
    Grant grant = lease.grant();
    if (lease.isReleased()) {
      return CompletableFuture.failedFuture(new InvalidArgumentException(what + ": this lease was released"));
    }
    if (!grant.isActive()) {
      return CompletableFuture.failedFuture(lostException(what, grant));
    }
    RenewRequest renewal = new RenewRequest(lease.name(), lease.owner(), lease.fencingToken(), grant.ttl());
    long[] sent = new long[1];
    return retrier.call("renew", what, attempt -> {
      sent[0] = System.nanoTime();
      return backend.renew(List.of(renewal));
    }).thenAccept(results -> {
      if (results.get(0)) {
        grant.confirmed(sent[0]);
        return;
      }
      declareLost(grant, LeaseLostReason.NOT_OWNER);
      throw lostException(what, grant);
    });
  }

  /** Marks the grant lost (once) and tells every unreleased hold's listener. */
  void declareLost(Grant grant, LeaseLostReason reason) {
    if (!grant.markLost()) {
      return;
    }
    forget(grant);
    metrics.leaseLost(reason);
    log.warn("lease lost: lock '{}' owner {} fencing token {} ({})", grant.key().name(), grant.key().owner(),
        grant.key().token(), reason);
    for (HeldLease lease : grant.leases()) {
      if (!lease.isReleased()) {
        threads.notify(lease, reason);
      }
    }
  }

  private void forget(Grant grant) {
    grants.remove(grant.key(), grant);
    renewals.untrack(grant);
  }

  private static LeaseLostException lostException(String what, Grant grant) {
    return new LeaseLostException(what + " with fencing token " + grant.key().token()
        + " failed: the lease was lost (expired or taken by another owner); nothing was changed");
  }

  private static HoldfastException closedException(String what) {
    return new HoldfastException(ErrorCode.CLOSED, "cannot " + what + ": the client is closed");
  }

  void operationFinished(AcquireOperation operation) {
    operations.remove(operation);
  }

  HoldfastOptions options() {
    return options;
  }

  ClientMetrics metrics() {
    return metrics;
  }

  Backoff backoff() {
    return backoff;
  }

  WakeupHub wakeups() {
    return wakeups;
  }

  ScheduledExecutorService scheduler() {
    return threads.scheduler();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    renewals.stop();
    operations.forEach(AcquireOperation::failClosed);
    releaseAllHeld();
    threads.shutdown();
    metrics.close();
    backend.close();
    log.debug("client {} closed", options.clientName());
  }

  private void releaseAllHeld() {
    List<CompletableFuture<Void>> releases = grants.values().stream()
        .flatMap(grant -> grant.leases().stream())
        .map(lease -> release(lease, true).exceptionally(e -> null))
        .toList();
    try {
      CompletableFuture.allOf(releases.toArray(new CompletableFuture<?>[0]))
          .get(options.retryBudget().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      log.warn("client {} closed with leases not confirmed released; they expire at their TTL",
          options.clientName());
    }
  }
}
