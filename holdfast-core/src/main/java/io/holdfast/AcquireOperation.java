package io.holdfast;

import io.holdfast.internal.Deadlines;
import io.holdfast.internal.DeadlockCheck;
import io.holdfast.internal.WaitLoop;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One library acquire: the shared WaitLoop (attempt, sleep until a release message or a timer, attempt again)
 * with the library's parts: its backend as the attempt, its WakeupHub as the release topic, transient failures
 * retried with backoff within the retry budget, and the grant turned into a lease whose validity counts from the
 * time the loop reports (the earliest attempt not answered definitely). The loop holds every rule of waiting;
 * this class only says what a library acquire attempts and how it ends. A read/write lock's or semaphore's
 * acquire brings its own attempt (PrimitiveAttempt) and kind of lease, and waits on its kind's release topic. It
 * is safe to complete the caller's future from outside (cancel, client close): that ends the loop, and a grant
 * still on its way is released.
 */
final class AcquireOperation implements WaitLoop.Attempts<AcquireOutcome>, WaitLoop.Wakeups {
  private static final Logger log = LoggerFactory.getLogger(AcquireOperation.class);

  private final LockClient client;
  private final LockBackend backend;
  private final AcquireRequest request;
  private final LeaseKind kind;
  private final PrimitiveAttempt primitive;
  private final long requestId = ThreadLocalRandom.current().nextLong();
  private final long startNanos = System.nanoTime();
  private final WaitLoop<AcquireOutcome> loop;
  private final CompletableFuture<Optional<Lease>> result = new CompletableFuture<>();
  private long unavailableSince;
  /** Deadlock detection of this wait: made at its first busy answer, if the backend records waits. */
  private volatile DeadlockCheck deadlocks; // touched only after a busy answer: never on a wait-free acquire
  /** Whether the attempt in flight asked the backend to wait; one attempt is in flight at a time. */
  private volatile boolean waitedInBackend;

  /** The attempt of a primitive other than the plain lock (read/write lock, semaphore). */
  @FunctionalInterface
  interface PrimitiveAttempt {
    /**
     * One atomic attempt; {@code remainingWait} is what is left of the caller's wait (a waiting writer announces
     * itself for at most that long).
     */
    CompletableFuture<AcquireOutcome> send(AcquireRequest request, long requestId, Duration remainingWait);
  }

  AcquireOperation(LockClient client, LockBackend backend, AcquireRequest request, LeaseKind kind,
      PrimitiveAttempt primitive) {
    this.client = client;
    this.backend = backend;
    this.request = request;
    this.kind = kind;
    this.primitive = primitive;
    this.loop = new WaitLoop<>(client.scheduler(), client.options().recheckInterval(), request.waitTimeout(),
        this, this);
    loop.result().whenComplete(this::ended);
    result.whenComplete((lease, failure) -> {
      loop.result().cancel(false); // the caller cancelled or the client closed: end the loop
      if (waitedInBackend && (lease == null || lease.isEmpty())) {
        backend.abandon(requestId); // a wait still going in the backend is nobody's now
      }
      client.operationFinished(this);
    });
  }

  CompletableFuture<Optional<Lease>> start() {
    loop.start();
    return result;
  }

  void failClosed() {
    result.completeExceptionally(closed());
  }

  /*
   * A backend that waits itself (the lock service) is asked to wait out as much of the caller's wait as it allows
   * per call; it wakes one waiter per release where the releases happen, so this client needs no release topic.
   */
  @Override
  public CompletableFuture<AcquireOutcome> send() {
    if (primitive != null) {
      return primitive.send(request, requestId, loop.remainingWait());
    }
    Duration wait = min(loop.remainingWait(), backend.longestWait());
    waitedInBackend = !wait.isZero();
    if (request.fair()) {
      return backend.tryAcquireFair(request.name(), request.owner(), request.leaseTtl(), requestId, wait,
          queueKeep(wait));
    }
    return waitedInBackend
        ? backend.tryAcquire(request.name(), request.owner(), request.leaseTtl(), requestId, wait)
        : backend.tryAcquire(request.name(), request.owner(), request.leaseTtl(), requestId);
  }

  /*
   * A fair waiter's place in line must outlast its sleep between attempts (at most the re-check interval), so it
   * lasts twice that; never past the caller's wait, so a waiter that gives up stops holding up the line by then.
   * A backend that waits this call out itself is told how long the place may outlast the call: zero when the call
   * covers the rest of the caller's wait (it will not come back), else twice the re-check, as between attempts.
   */
  private Duration queueKeep(Duration backendWait) {
    Duration twoRechecks = client.options().recheckInterval().multipliedBy(2);
    if (!backendWait.isZero()) {
      return loop.remainingWait().compareTo(backendWait) > 0 ? twoRechecks : Duration.ZERO;
    }
    return min(loop.remainingWait(), twoRechecks);
  }

  @Override
  public Optional<Duration> busy(AcquireOutcome answer) {
    if (!(answer instanceof AcquireOutcome.Busy busy)) {
      return Optional.empty();
    }
    return Optional.of(waitedInBackend ? Duration.ZERO : busy.remainingTtl()); // the backend has done the sleeping
  }

  /*
   * Deadlock detection, when the backend records waits (a Redis backend whose URI opts in): only a plain lock's
   * wait, and only from its first busy answer on, so an acquire that does not wait never gets here.
   */
  @Override
  public CompletableFuture<Void> armed() {
    DeadlockCheck check = deadlocks;
    if (check == null) {
      if (primitive != null) {
        return null;
      }
      Optional<DeadlockCheck.Detection> detection = backend.feature(DeadlockCheck.Detection.class);
      if (detection.isEmpty()) {
        return null;
      }
      check = new DeadlockCheck(detection.get(), request.owner().value(), request.name().value(), name -> name);
      deadlocks = check;
      DeadlockCheck made = check;
      loop.result().whenComplete((outcome, failure) -> made.ended()); // at once if the loop has just ended
    }
    return check.armed(loop.remainingWait());
  }

  /*
   * Transient failures are retried until the caller's wait runs out (a zero wait still gets one operation
   * timeout's worth), but never for longer than the retry budget of uninterrupted unavailability, so an acquire
   * that waits forever still fails fast-ish while the backend is down rather than hanging.
   */
  /* Lettuce refuses commands while disconnected: such an attempt never left, so it starts no validity. */
  @Override
  public boolean neverSent(Throwable failure) {
    return backend.neverSent(Failures.unwrap(failure));
  }

  @Override
  public Optional<Duration> retryAfter(Throwable failure, int failuresInARow) {
    Throwable cause = Failures.unwrap(failure);
    long now = System.nanoTime();
    if (!backend.isTransient(cause)) {
      fail(Failures.toCallerException(backend, cause, "acquire of lock '" + request.name() + "'"));
      return Optional.empty();
    }
    if (failuresInARow == 1) {
      unavailableSince = now;
    }
    long delay = client.backoff().delayNanos(failuresInARow - 1);
    if (Deadlines.passed(transientDeadline(), now + delay)) {
      fail(new BackendUnavailableException("acquire of lock '" + request.name() + "' failed: backend "
          + backend.describe() + " unavailable for " + Duration.ofNanos(now - unavailableSince).toMillis()
          + " ms (" + Failures.describe(cause) + ")", cause));
      return Optional.empty();
    }
    client.metrics().retried("acquire");
    log.debug("lock '{}' owner {}: transient failure, retry {} in {} us: {}", request.name(), request.owner(),
        failuresInARow, delay / 1000, Failures.describe(cause));
    return Optional.of(Duration.ofNanos(delay));
  }

  private long transientDeadline() {
    HoldfastOptions options = client.options();
    long waitBound = Math.max(Deadlines.after(0, request.waitTimeout()), options.operationTimeout().toNanos());
    long budgetBound = unavailableSince + options.retryBudget().toNanos() - startNanos;
    return startNanos + Math.min(waitBound, budgetBound);
  }

  @Override
  public void unwanted(AcquireOutcome grant) {
    // Cancelled or closed while the grant was on its way: give it back rather than leak it until expiry.
    client.granted(request, kind, (AcquireOutcome.Granted) grant, System.nanoTime()).releaseAsync()
        .exceptionally(e -> null);
  }

  @Override
  public WaitLoop.Registration joinEarly(WaitLoop.Sleeper sleeper) {
    if (primitive == null && !backend.longestWait().isZero()) {
      return NO_TOPIC;
    }
    return client.wakeups().joinIfSubscribed(kind, request.name(), sleeper, fairOwner());
  }

  @Override
  public WaitLoop.Registration join(WaitLoop.Sleeper sleeper) {
    if (primitive == null && !backend.longestWait().isZero()) {
      return NO_TOPIC;
    }
    WakeupHub.Registration joined = client.wakeups().register(kind, request.name(), sleeper, fairOwner());
    joined.live().whenComplete((subscription, failure) -> {
      if (failure != null) {
        log.warn("lock '{}' owner {}: release subscription failed ({}); waiting on re-check timer only",
            request.name(), request.owner(), Failures.describe(Failures.unwrap(failure)));
      }
    });
    return joined;
  }

  /** A fair waiter is woken only by a release that names its owner as the head of the line. */
  private OwnerToken fairOwner() {
    return request.fair() ? request.owner() : null;
  }

  /** The release topic of a backend that waits itself: nothing to join, always live. */
  private static final WaitLoop.Registration NO_TOPIC = new WaitLoop.Registration() {
    @Override
    public CompletableFuture<?> live() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
      // nothing was joined
    }
  };

  private void ended(WaitLoop.Outcome<AcquireOutcome> outcome, Throwable failure) {
    long elapsed = System.nanoTime() - startNanos;
    if (failure != null) {
      Throwable cause = Failures.unwrap(failure);
      fail(cause instanceof RejectedExecutionException ? closed() : Failures.toCallerException(backend, cause,
          "acquire of lock '" + request.name() + "'"));
    } else if (outcome.granted()) {
      AcquireOutcome.Granted granted = (AcquireOutcome.Granted) outcome.answer();
      HeldLease lease = client.granted(request, kind, granted, validFrom(outcome, granted));
      if (result.complete(Optional.of(lease))) {
        client.metrics().acquired(elapsed);
      } else {
        lease.releaseAsync().exceptionally(e -> null); // cancelled or closed while the grant was on its way
      }
    } else if (result.complete(Optional.empty())) {
      client.metrics().acquireTimedOut(elapsed);
    }
  }

  /*
   * A grant the backend made after waiting W on its own clock started no earlier than our send plus W; the
   * backend's clock may run faster than ours, so W is discounted by the drift factor. Only when the granting
   * attempt is the one we count from: after an unanswered attempt, an earlier call may have made the grant.
   */
  private long validFrom(WaitLoop.Outcome<AcquireOutcome> outcome, AcquireOutcome.Granted granted) {
    if (!outcome.sentByGrantingAttempt() || granted.waited().isZero()) {
      return outcome.validFromNanos();
    }
    long waited = (long) (granted.waited().toNanos() * (1 - client.options().driftFactor()));
    return outcome.validFromNanos() + Math.max(0, waited);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void fail(HoldfastException exception) {
    if (result.completeExceptionally(exception)) {
      client.metrics().acquireFailed(System.nanoTime() - startNanos);
    }
  }

  private HoldfastException closed() {
    return new HoldfastException(ErrorCode.CLOSED, "client closed while acquiring lock '" + request.name() + "'");
  }
}
