package io.holdfast.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/*
 * The one wait loop of Holdfast: the library's acquire (AcquireOperation) and the lock service's long-poll acquire
 * (AcquireWait) are both this state machine, attempt -> granted | busy | failed -> sleep until woken, a timer, or
 * a retry delay -> attempt ... It never polls in a tight loop: after a busy answer it sleeps until a release
 * message wakes it, or until the holder's lease would have expired (an expiry sends no message), or the bounded
 * re-check interval, whichever is first, and never past the caller's wait.
 *
 * Why it cannot miss a release: a waiter either joins the release topic before its first attempt (when joining
 * costs nothing), or, after its first busy answer, joins and attempts again only once the subscription is live;
 * a release that arrives while an attempt is in flight sets wokenInFlight, and the busy answer then retries at
 * once instead of sleeping.
 *
 * Why it is thread-safe: phase changes happen under this object's monitor; attempts are made outside it, one in
 * flight at a time. A re-attempt triggered by an answer or a release runs on the thread that delivered it (an I/O
 * thread whose stack starts at its event loop, so it cannot recurse), except an answer delivered inside attempt()
 * itself (a synchronous backend), whose re-attempt goes through the scheduler.
 *
 * Why a lease's validity is never overstated: every attempt carries the same request id, so an attempt repeated
 * after an ambiguous failure returns the earlier grant, whose expiry Redis counts from the earlier execution. The
 * outcome therefore reports the send time of the earliest attempt not yet answered definitely. A busy answer is
 * definite (an earlier attempt of ours that had been granted would have been recognised) and attempts reach the
 * backend in order, so unanswered attempts before it cannot be granted later. An attempt the backend proves it
 * never sent (rejected locally while disconnected) is no such attempt: after an outage the validity counts from
 * the first send that may have reached the backend, not from the start of the outage.
 */
/**
 * Not an API: the wait loop shared by the library's acquire and the lock service's waiting acquire. One instance
 * drives one acquire; {@link #result()} completes with the grant, with the last busy answer when the wait runs
 * out, or with the failure the {@link Attempts} chose to end with.
 *
 * @param <A> an attempt's answer: a grant or a busy answer
 */
public final class WaitLoop<A> {
  /** What one acquire's loop is made of; the lock rules stay in the backend behind {@link #send()}. */
  public interface Attempts<A> {
    /** Sends one attempt. Every attempt of a loop carries the same request id, so a repeat is idempotent. */
    CompletableFuture<A> send();

    /** The holder's remaining lease if {@code answer} is busy; empty for a grant. Called once per answer. */
    Optional<Duration> busy(A answer);

    /**
     * After a failed attempt: how long to wait before the next one, or empty to end the loop with
     * {@code failure}. Called once per failure; {@code failuresInARow} counts from 1 and resets on any answer.
     */
    Optional<Duration> retryAfter(Throwable failure, int failuresInARow);

    /** A grant that arrived after the loop had ended (cancelled, caller gone): nobody holds it; give it back. */
    void unwanted(A grant);

    /**
     * Whether {@code failure} proves the attempt never reached the backend (rejected locally while disconnected),
     * so it cannot have been granted, now or later, and starts no lease validity. False, the default, is safe.
     */
    default boolean neverSent(Throwable failure) {
      return false;
    }

    /**
     * Called after each busy answer that leaves the wait going (the wait is armed or re-armed), before the loop
     * sleeps: a check that may end the wait (deadlock detection, DeadlockCheck). Null, the default, checks
     * nothing and costs nothing; otherwise the loop sleeps once the future completes, or ends with its failure.
     */
    default CompletableFuture<Void> armed() {
      return null;
    }
  }

  /** Where release messages come from. */
  public interface Wakeups {
    /** Joins before the first attempt if that costs no remote call; null when it would. */
    Registration joinEarly(Sleeper sleeper);

    /** Joins after the first busy answer; the loop attempts again once {@link Registration#live()} completes. */
    Registration join(Sleeper sleeper);
  }

  /** A waiter's place on a lock's release topic. */
  public interface Registration {
    /** Completes when release messages reach the sleeper; a failed subscription leaves the re-check timer. */
    CompletableFuture<?> live();

    /** Leaves the topic; called once, when the loop ends. */
    void close();
  }

  /** Something a release can wake. */
  public interface Sleeper {
    /** Returns true when this waiter took the wake-up (it was waiting), false when it no longer wants one. */
    boolean wake();
  }

  /**
   * How one loop ended without a failure.
   *
   * @param answer the grant, or the last busy answer when the wait ran out
   * @param granted whether {@code answer} is a grant
   * @param validFromNanos for a grant, the System.nanoTime() before which its lease cannot have started
   * @param sentByGrantingAttempt for a grant, whether {@code validFromNanos} is the send time of the attempt that
   *     got it (no earlier attempt was left unanswered), so that what the backend says of that attempt applies
   */
  public record Outcome<A>(A answer, boolean granted, long validFromNanos, boolean sentByGrantingAttempt) { }

  private enum Phase { IN_FLIGHT, SLEEPING, DONE }

  private final ScheduledExecutorService scheduler;
  private final Duration recheck;
  private final Duration wait;
  private final Attempts<A> attempts;
  private final Wakeups wakeups;
  private final long waitDeadline;
  private final CompletableFuture<Outcome<A>> result = new CompletableFuture<>();
  private final Sleeper sleeper = this::wake;
  private Phase phase = Phase.IN_FLIGHT;
  private boolean wokenInFlight;
  private int failuresInARow;
  private boolean unanswered;
  private long unansweredSince;
  private ScheduledFuture<?> timer;
  private Registration registration;
  /** The thread inside attempt() while it is inside; one attempt is in flight at a time, so one writer. */
  private Thread attemptingThread;

  /**
   * A loop that waits up to {@code wait} (zero: one attempt) and re-checks a busy lock at least every
   * {@code recheck}; it starts with {@link #start()}.
   */
  public WaitLoop(ScheduledExecutorService scheduler, Duration recheck, Duration wait, Attempts<A> attempts,
      Wakeups wakeups) {
    if (recheck.isNegative() || recheck.isZero() || wait.isNegative()) {
      throw new IllegalArgumentException("recheck must be positive and wait not negative: " + recheck + ", " + wait);
    }
    this.scheduler = scheduler;
    this.recheck = recheck;
    this.wait = wait;
    this.attempts = attempts;
    this.wakeups = wakeups;
    this.waitDeadline = Deadlines.after(System.nanoTime(), wait);
    result.whenComplete((outcome, failure) -> finish());
  }

  /** The loop's end: completing it from outside (cancel, caller gone) ends the loop; a later grant is unwanted. */
  public CompletableFuture<Outcome<A>> result() {
    return result;
  }

  /** The wait left, never negative. */
  public Duration remainingWait() {
    return Duration.ofNanos(Math.max(0, Deadlines.remaining(waitDeadline, System.nanoTime())));
  }

  /**
   * Makes the first attempt. A waiter that can join a live release topic for free joins first: a busy answer then
   * goes straight to sleep, where one that joins after the answer must attempt a second time.
   */
  public CompletableFuture<Outcome<A>> start() {
    if (!wait.isZero()) {
      Registration joined = wakeups.joinEarly(sleeper);
      synchronized (this) {
        registration = joined;
        if (phase == Phase.DONE && joined != null) {
          joined.close(); // ended before it started: finish() has run and found nothing to close
        }
      }
    }
    attempt();
    return result;
  }

  private void attempt() {
    if (result.isDone()) {
      return;
    }
    long sentNanos = System.nanoTime();
    attemptingThread = Thread.currentThread();
    try {
      CompletableFuture<A> call;
      try {
        call = attempts.send();
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      call.whenComplete((answer, failure) -> {
        // Only this thread, still inside attempt(), ever sees itself here: the answer came on the caller's stack.
        boolean answeredInline = attemptingThread == Thread.currentThread();
        if (failure != null) {
          onFailure(failure, sentNanos, answeredInline);
          return;
        }
        Optional<Duration> busy = attempts.busy(answer);
        if (busy.isEmpty()) {
          onGranted(answer, unanswered ? unansweredSince : sentNanos, !unanswered);
        } else {
          onBusy(answer, busy.get(), answeredInline);
        }
      });
    } finally {
      attemptingThread = null;
    }
  }

  private void onGranted(A grant, long validFromNanos, boolean sentByGrantingAttempt) {
    failuresInARow = 0;
    if (!result.complete(new Outcome<>(grant, true, validFromNanos, sentByGrantingAttempt))) {
      attempts.unwanted(grant);
    }
  }

  private void onBusy(A answer, Duration holderRemaining, boolean answeredInline) {
    failuresInARow = 0;
    unanswered = false;
    long now = System.nanoTime();
    if (Deadlines.passed(waitDeadline, now)) {
      result.complete(new Outcome<>(answer, false, 0, false));
      return;
    }
    CompletableFuture<Void> check = attempts.armed();
    if (check == null) {
      sleepOrJoin(holderRemaining, answeredInline);
      return;
    }
    check.whenComplete((ok, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure instanceof java.util.concurrent.CompletionException && failure.getCause()
            != null ? failure.getCause() : failure);
      } else {
        // Still on attempt()'s stack only if the check answered inline too.
        sleepOrJoin(holderRemaining, answeredInline && attemptingThread == Thread.currentThread());
      }
    });
  }

  private void sleepOrJoin(Duration holderRemaining, boolean answeredInline) {
    long now = System.nanoTime();
    if (registration == null) {
      joinThenRetry(answeredInline);
      return;
    }
    long sleep = Math.min(saturatedNanos(holderRemaining) + TimeUnit.MILLISECONDS.toNanos(1), recheck.toNanos());
    sleepThenRetry(Math.min(sleep, Deadlines.remaining(waitDeadline, now)), answeredInline);
  }

  /* A release between the busy answer and the subscription would otherwise be missed until the re-check timer. */
  private void joinThenRetry(boolean answeredInline) {
    Registration joined = wakeups.join(sleeper);
    synchronized (this) {
      registration = joined;
      if (phase == Phase.DONE) {
        joined.close();
        return;
      }
    }
    joined.live().whenComplete((live, failure) -> retryNow(answeredInline));
  }

  private void onFailure(Throwable failure, long sentNanos, boolean answeredInline) {
    if (result.isDone()) {
      return; // the loop has ended (cancelled, caller gone): nothing to retry or to report
    }
    if (!unanswered && !attempts.neverSent(failure)) {
      unanswered = true;
      unansweredSince = sentNanos;
    }
    Optional<Duration> delay = attempts.retryAfter(failure, ++failuresInARow);
    if (delay.isEmpty()) {
      result.completeExceptionally(failure);
    } else {
      sleepThenRetry(saturatedNanos(delay.get()), answeredInline);
    }
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
      try {
        timer = scheduler.schedule(this::timerFired, Math.max(0, nanos), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closed) {
        result.completeExceptionally(closed);
      }
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

  private boolean wake() {
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
    // above the raw floor. No recursion: a release message never arrives from an attempt, and topics call wake()
    // outside their locks.
    attempt();
    return true;
  }

  /*
   * Attempts again at once: directly on the thread that delivered an asynchronous answer (one thread wake-up less
   * per hand-off than a hop to the scheduler); through the scheduler after an answer given inline, so that a
   * synchronous backend cannot recurse.
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
      scheduler.execute(this::attempt);
    } catch (RejectedExecutionException closed) {
      result.completeExceptionally(closed);
    }
  }

  private void finish() {
    Registration toClose;
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
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE / 2;
    }
  }
}
