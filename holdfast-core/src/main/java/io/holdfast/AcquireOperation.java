package io.holdfast;

import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.LockBackend;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One acquire, as an asynchronous state machine: attempt -> granted | busy -> sleep until woken or a timer ->
 * attempt ... It never polls in a tight loop: after a busy answer it sleeps until a release message wakes it, or
 * until the holder's lease would have expired (an expiry sends no message), or the fallback re-check interval.
 * All state changes happen under this object's monitor; backend calls are made outside it. An immediate
 * re-attempt (after the first busy answer subscribed, or when a release arrived while an attempt was in flight)
 * is made on the thread that delivered the answer: a backend's I/O thread, whose stack starts at its event loop,
 * so attempting there cannot recurse. Only an answer delivered inside attempt() itself (a backend answering
 * synchronously, on the attempting thread's stack) hands its re-attempt to the scheduler.
 *
 * The request id is fixed for the whole operation, so an attempt repeated after an ambiguous failure (the grant
 * happened, the reply was lost) is recognised by the backend and not counted as a second hold. Such a repeat
 * returns the earlier grant, whose expiry Redis counts from the earlier execution; so the lease's local validity
 * counts from the earliest attempt not yet answered definitely, never from the attempt that got the answer. A
 * busy answer is definite: it proves no earlier attempt holds the lock (ours would have been recognised), and
 * attempts reach the backend in order, so unanswered attempts before it cannot be granted later. An attempt the
 * backend proves it never sent (rejected locally while disconnected) is no such attempt: after an outage the
 * validity counts from the first send that may have reached the backend, not from the start of the outage.
 */
final class AcquireOperation implements WakeupHub.Sleeper {
  private static final Logger log = LoggerFactory.getLogger(AcquireOperation.class);

  private enum Phase { IN_FLIGHT, SLEEPING, DONE }

  private final LockClient client;
  private final LockBackend backend;
  private final AcquireRequest request;
  private final long requestId = ThreadLocalRandom.current().nextLong();
  private final long startNanos = System.nanoTime();
  private final long waitDeadline;
  private final CompletableFuture<Optional<Lease>> result = new CompletableFuture<>();
  private Phase phase = Phase.IN_FLIGHT;
  private boolean wokenInFlight;
  private int failuresInARow;
  private long unavailableSince;
  private boolean unanswered;
  private long unansweredSince;
  private ScheduledFuture<?> timer;
  private WakeupHub.Registration registration;
  /** The thread inside attempt() while it is inside; one attempt is in flight at a time, so one writer. */
  private Thread attemptingThread;

  AcquireOperation(LockClient client, LockBackend backend, AcquireRequest request) {
    this.client = client;
    this.backend = backend;
    this.request = request;
    this.waitDeadline = Deadlines.after(startNanos, request.waitTimeout());
    result.whenComplete((lease, failure) -> finish());
  }

  /*
   * When other local waiters already hold a live subscription to the lock's releases, join them before the first
   * attempt: a busy answer then goes straight to sleep, where a waiter that joins after the answer must attempt a
   * second time (a release in between would otherwise be missed). Joining costs no Redis call, and a barging
   * re-acquire under contention is exactly this case.
   */
  CompletableFuture<Optional<Lease>> start() {
    if (!request.waitTimeout().isZero()) {
      WakeupHub.Registration joined = client.wakeups().joinIfSubscribed(request.name(), this);
      synchronized (this) {
        registration = joined;
        if (phase == Phase.DONE && joined != null) {
          joined.close(); // closed before it started: finish() has run and found nothing to close
        }
      }
    }
    attempt();
    return result;
  }

  void failClosed() {
    result.completeExceptionally(new HoldfastException(ErrorCode.CLOSED,
        "client closed while acquiring lock '" + request.name() + "'"));
  }

  private void attempt() {
    if (result.isDone()) {
      return;
    }
    long sentNanos = System.nanoTime();
    attemptingThread = Thread.currentThread();
    try {
      CompletableFuture<AcquireOutcome> call;
      try {
        call = backend.tryAcquire(request.name(), request.owner(), request.leaseTtl(), requestId);
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      call.whenComplete((outcome, failure) -> {
        // Only this thread, still inside attempt(), ever sees itself here: the answer came on the caller's stack.
        boolean answeredInline = attemptingThread == Thread.currentThread();
        if (failure != null) {
          onFailure(failure, sentNanos, answeredInline);
        } else if (outcome instanceof AcquireOutcome.Granted granted) {
          onGranted(granted, unanswered ? unansweredSince : sentNanos);
        } else {
          onBusy(((AcquireOutcome.Busy) outcome).remainingTtl(), answeredInline);
        }
      });
    } finally {
      attemptingThread = null;
    }
  }

  private void onGranted(AcquireOutcome.Granted granted, long sentNanos) {
    failuresInARow = 0;
    HeldLease lease = client.granted(request, granted, sentNanos);
    if (result.complete(Optional.of(lease))) {
      client.metrics().acquired(System.nanoTime() - startNanos);
    } else {
      // Cancelled or closed while the grant was on its way: give it back rather than leak it until expiry.
      lease.releaseAsync().exceptionally(e -> null);
    }
  }

  private void onBusy(Duration holderRemaining, boolean answeredInline) {
    failuresInARow = 0;
    unanswered = false;
    long now = System.nanoTime();
    if (Deadlines.passed(waitDeadline, now)) {
      client.metrics().acquireTimedOut(now - startNanos);
      result.complete(Optional.empty());
      return;
    }
    if (registration == null) {
      subscribeThenRetry(answeredInline);
      return;
    }
    long sleep = Math.min(holderRemaining.toNanos() + TimeUnit.MILLISECONDS.toNanos(1),
        client.options().recheckInterval().toNanos());
    sleepThenRetry(Math.min(sleep, Deadlines.remaining(waitDeadline, now)), answeredInline);
  }

  /*
   * The first busy answer subscribes, and only once the subscription is active does it try again: a release
   * between the busy answer and the subscription would otherwise be missed until the re-check timer.
   */
  private void subscribeThenRetry(boolean answeredInline) {
    WakeupHub.Registration joined = client.wakeups().register(request.name(), this);
    synchronized (this) {
      registration = joined;
      if (phase == Phase.DONE) {
        joined.close();
        return;
      }
    }
    joined.subscribed().whenComplete((subscription, failure) -> {
      if (failure != null) {
        log.warn("lock '{}' owner {}: release subscription failed ({}); waiting on re-check timer only",
            request.name(), request.owner(), Failures.describe(Failures.unwrap(failure)));
      }
      retryNow(answeredInline);
    });
  }

  private void sleepThenRetry(long nanos, boolean answeredInline) {
    synchronized (this) {
      if (phase == Phase.DONE) {
        return;
      }
      if (wokenInFlight) {
        wokenInFlight = false;
        retryNow(answeredInline);
        return;
      }
      phase = Phase.SLEEPING;
      timer = client.scheduler().schedule(this::timerFired, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }
  }

  private void timerFired() {
    synchronized (this) {
      if (phase != Phase.SLEEPING) {
        return;
      }
      phase = Phase.IN_FLIGHT;
    }
    attempt();
  }

  @Override
  public boolean wake() {
    synchronized (this) {
      switch (phase) {
        case DONE:
          return false;
        case IN_FLIGHT:
          wokenInFlight = true;
          return true;
        default:
          phase = Phase.IN_FLIGHT;
          if (timer != null) {
            timer.cancel(false);
          }
      }
    }
    // On the thread that delivered the release, not via the scheduler: the hop was most of the hand-off latency
    // above the raw floor. No recursion: a release message never arrives from an attempt, and the hub calls
    // wake() outside its locks.
    attempt();
    return true;
  }

  /*
   * Attempts again at once. On the thread that delivered an asynchronous answer that is direct (one thread
   * wake-up less per hand-off than a hop to the scheduler, which is shared with every timer and renewal); after
   * an answer given inline it goes through the scheduler, so that a synchronous backend cannot recurse.
   */
  private void retryNow(boolean answeredInline) {
    synchronized (this) {
      if (phase == Phase.DONE) {
        return;
      }
      phase = Phase.IN_FLIGHT;
    }
    if (!answeredInline) {
      attempt();
      return;
    }
    try {
      client.scheduler().execute(this::attempt);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      failClosed();
    }
  }

  private void onFailure(Throwable failure, long sentNanos, boolean answeredInline) {
    Throwable cause = Failures.unwrap(failure);
    if (!unanswered && !backend.neverSent(cause)) {
      unanswered = true;
      unansweredSince = sentNanos;
    }
    long now = System.nanoTime();
    if (!backend.isTransient(cause)) {
      fail(Failures.toCallerException(backend, cause, "acquire of lock '" + request.name() + "'"));
      return;
    }
    if (failuresInARow++ == 0) {
      unavailableSince = now;
    }
    long delay = client.backoff().delayNanos(failuresInARow - 1);
    if (Deadlines.passed(transientDeadline(), now + delay)) {
      fail(new BackendUnavailableException("acquire of lock '" + request.name() + "' failed: backend "
          + backend.describe() + " unavailable for " + Duration.ofNanos(now - unavailableSince).toMillis()
          + " ms (" + Failures.describe(cause) + ")", cause));
      return;
    }
    client.metrics().retried("acquire");
    log.debug("lock '{}' owner {}: transient failure, retry {} in {} us: {}", request.name(), request.owner(),
        failuresInARow, delay / 1000, Failures.describe(cause));
    sleepThenRetry(delay, answeredInline);
  }

  /*
   * Transient failures are retried until the caller's wait runs out (a zero wait still gets one operation
   * timeout's worth), but never for longer than the retry budget of uninterrupted unavailability, so an
   * acquire that waits forever still fails fast-ish while the backend is down rather than hanging.
   */
  private long transientDeadline() {
    HoldfastOptions options = client.options();
    long waitBound = Math.max(waitDeadline - startNanos, options.operationTimeout().toNanos());
    long budgetBound = unavailableSince + options.retryBudget().toNanos() - startNanos;
    return startNanos + Math.min(waitBound, budgetBound);
  }

  private void fail(HoldfastException exception) {
    if (result.completeExceptionally(exception)) {
      client.metrics().acquireFailed(System.nanoTime() - startNanos);
    }
  }

  private void finish() {
    WakeupHub.Registration toClose;
    synchronized (this) {
      phase = Phase.DONE;
      if (timer != null) {
        timer.cancel(false);
      }
      toClose = registration;
    }
    if (toClose != null) {
      toClose.close();
    }
    client.operationFinished(this);
  }
}
