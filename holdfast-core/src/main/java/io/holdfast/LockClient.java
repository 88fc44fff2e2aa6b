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
 * itself. Grants are tracked per (kind, name, owner, token) so that re-entrant holds share one renewal and one loss
 * signal; the read/write lock's and the semaphore's leases run through the same engine, routed by their LeaseKind
 * (PrimitiveCalls). Shared state is in concurrent maps; per-grant transitions are compare-and-set in Grant.
 */
final class LockClient implements Holdfast {
  private static final Logger log = LoggerFactory.getLogger(LockClient.class);

  private final HoldfastOptions options;
  private final LockBackend backend;
  private final ClientThreads threads;
  private final ClientMetrics metrics;
  private final Backoff backoff;
  private final Retrier retrier;
  private final PrimitiveCalls calls;
  private final WakeupHub wakeups;
  private final RenewalScheduler renewals;
  private final ClockWatch clock;
  private final Map<Grant.Key, Grant> grants = new ConcurrentHashMap<>();
  private final Set<AcquireOperation> operations = ConcurrentHashMap.newKeySet();
  private final Set<Runnable> closingHooks = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  LockClient(HoldfastOptions options, LockBackend backend) {
    this.options = options;
    this.backend = backend;
    this.threads = new ClientThreads(options.clientName());
    this.metrics = new ClientMetrics(options.meterRegistry(), options.clientName());
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
    this.retrier = new Retrier(backend, threads.scheduler(), options, metrics);
    this.calls = new PrimitiveCalls(backend);
    this.wakeups = new WakeupHub(calls, threads.scheduler(), WakeupHub.LINGER);
    this.clock = new ClockWatch(backend, options, this::recheckDeadlines);
    this.renewals = new RenewalScheduler(this, backend, threads.scheduler(), clock);
    metrics.gauges(grants::size, wakeups::waiterCount);
    metrics.clockGauges(clock::offsetSeconds, clock::rateDrift);
    clock.maybeSample();
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
    return orWaitTimeout(tryAcquireAsync(request), request);
  }

  /** A try-acquire turned into an acquire: empty becomes LockWaitTimeoutException; cancelling stops the wait. */
  static CompletableFuture<Lease> orWaitTimeout(CompletableFuture<Optional<Lease>> attempt, AcquireRequest request) {
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
    return tryAcquireAsync(request, LeaseKind.LOCK, null);
  }

  /** The acquire of every kind of lease: a primitive's brings its attempt; the plain lock's is null. */
  CompletableFuture<Optional<Lease>> tryAcquireAsync(AcquireRequest request, LeaseKind kind,
      AcquireOperation.PrimitiveAttempt attempt) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedException("acquire lock '" + request.name() + "'"));
    }
    AcquireOperation operation = new AcquireOperation(this, backend, request, kind, attempt);
    operations.add(operation);
    if (closed.get()) {
      operation.failClosed();
    }
    return operation.start();
  }

  @Override
  public ReadWriteLock readWriteLock(String name) {
    return readWriteLock(name, true);
  }

  @Override
  public ReadWriteLock readWriteLock(String name, boolean preferWriters) {
    return new PrimitiveHandles.ReadWrite(this, calls.readWrite(), LockName.of(name), preferWriters);
  }

  @Override
  public Semaphore semaphore(String name, int permits) {
    return new PrimitiveHandles.Permits(this, calls.semaphore(), LockName.of(name), permits);
  }

  @Override
  public Optional<LockState> inspect(String name) {
    return Failures.join(inspectAsync(LockName.of(name)), "inspect of lock '" + name + "'");
  }

  CompletableFuture<Optional<LockState>> inspectAsync(LockName name) {
    return retrier.call("inspect", "inspect of lock '" + name + "'", attempt -> backend.inspect(name));
  }

  @Override
  public Election election(String name) {
    return new LockElection(this, LockName.of(name));
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
  HeldLease granted(AcquireRequest request, LeaseKind kind, AcquireOutcome.Granted outcome, long sentNanos) {
    Grant.Key key = new Grant.Key(kind, request.name(), request.owner(), outcome.fencingToken());
    Grant grant = grants.computeIfAbsent(key, k -> new Grant(k, request.leaseTtl(), options, sentNanos,
        clock::validityScale));
    grant.confirmed(sentNanos);
    HeldLease lease = new HeldLease(grant, this, outcome.holdCount(), options.wallClock().instant(), request);
    grant.addHold(lease);
    renewals.track(grant);
    clock.maybeSample();
    log.debug("lock '{}' granted to owner {} with fencing token {} (holds {})", request.name(), request.owner(),
        outcome.fencingToken(), outcome.holdCount());
    return lease;
  }

  /* The clock detector shortened every grant's validity: deadlines that have now passed are declared at once. */
  private void recheckDeadlines() {
    grants.values().forEach(renewals::track);
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
      return calls.release(grant.key().kind(), lease.name(), lease.owner(), lease.fencingToken(), requestId);
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
      return grant.key().kind() == LeaseKind.LOCK ? backend.renew(List.of(renewal))
          : calls.renewOne(grant.key().kind(), renewal);
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

  /** Runs a user callback on the listener thread, after every callback queued before it. */
  void runListener(Runnable callback, String what, LockName name) {
    threads.listener(callback, what, name);
  }

  /** Runs {@code hook} when the client starts closing, before it releases what it holds. */
  void whenClosing(Runnable hook) {
    closingHooks.add(hook);
  }

  void notWhenClosing(Runnable hook) {
    closingHooks.remove(hook);
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

  PrimitiveCalls calls() {
    return calls;
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
    closingHooks.forEach(Runnable::run);
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
