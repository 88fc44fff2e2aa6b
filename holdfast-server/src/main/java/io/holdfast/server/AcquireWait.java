package io.holdfast.server;

import io.holdfast.internal.DeadlockCheck;
import io.holdfast.internal.WaitLoop;
import io.holdfast.redis.WaitGraphScripts;
import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Granted;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One server-side acquire with a wait (the long poll behind Acquire/TryAcquire): the shared WaitLoop (the same
 * loop as the library's acquire) with the service's parts. The attempt is the store's acquire for the caller's
 * session, with the same request id every time (idempotent); it also checks the session, so a session that
 * expires during the wait ends it with SESSION_EXPIRED within one re-check. The release topic is this instance's
 * WaitRoom, joined before the first attempt (no Redis call). A store failure ends the wait at once (fail fast;
 * the client retries). A grant that arrives after the caller has gone, or whose answer never reached the caller,
 * is given back at once rather than left held for the session's lifetime (an AtomicBoolean makes that happen
 * once). A wait that ends without a grant leaves the lock's waiter listing.
 */
final class AcquireWait implements WaitLoop.Attempts<AcquireResult>, WaitLoop.Wakeups {
  /** What every wait of one server shares. */
  record Setting(LockStore store, WaitRoom room, ScheduledExecutorService timers, ServiceMetrics metrics,
      Duration recheck) { }

  /**
   * What to acquire. {@code queueKeep} is null for the plain lock; in the fair mode it is the place's keep time the
   * caller asked for: after each attempt when the caller waits on its own (zero wait), else how long the place may
   * outlast this call's wait (zero: the caller will not come back).
   */
  record Target(SessionRef session, LockKey lock, String owner, Duration leaseTtl, long requestId,
      Duration waitTimeout, Duration waiterHint, Duration queueKeep) {
    /** A target of the plain lock. */
    Target(SessionRef session, LockKey lock, String owner, Duration leaseTtl, long requestId, Duration waitTimeout,
        Duration waiterHint) {
      this(session, lock, owner, leaseTtl, requestId, waitTimeout, waiterHint, null);
    }
  }

  private static final Duration LISTING_MARGIN = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(AcquireWait.class);

  private final Setting setting;
  private final Target target;
  private final WaitLoop<AcquireResult> loop;
  private final CompletableFuture<AcquireResult> result;
  private final AtomicBoolean givenBack = new AtomicBoolean();
  private final long startNanos = System.nanoTime();
  private volatile boolean sawBusy;
  /** Deadlock detection of this wait: made at its first busy answer, if the store records waits. */
  private volatile DeadlockCheck deadlocks; // touched only after a busy answer: never on a wait-free acquire

  AcquireWait(Setting setting, Target target) {
    this.setting = setting;
    this.target = target;
    this.loop = new WaitLoop<>(setting.timers(), setting.recheck(), target.waitTimeout(), this, this);
    this.result = loop.result().thenApply(this::answer);
    loop.result().whenComplete((outcome, failure) -> {
      if ((outcome == null || !outcome.granted()) && !target.waitTimeout().isZero()) {
        Errors.started(() -> setting.store().removeWaiter(target.lock(), target.session().id(), target.owner()))
            .exceptionally(e -> null);
      }
      count(outcome);
    });
  }

  /* Per-lock statistics: a first hold starts a hold time; a call that met a held lock and waited ends a wait. */
  private void count(WaitLoop.Outcome<AcquireResult> outcome) {
    LockStats stats = setting.metrics().locks();
    boolean granted = outcome != null && outcome.answer() instanceof Granted;
    if (granted && ((Granted) outcome.answer()).holds() == 1) {
      stats.granted(target.lock().fullName(), ((Granted) outcome.answer()).token());
    }
    if (sawBusy && !target.waitTimeout().isZero()) {
      stats.waited(target.lock().fullName(), granted, System.nanoTime() - startNanos);
    }
  }

  /*
   * A grant says how long this call waited before the attempt that made it (floored to whole milliseconds on the
   * wire), so the client can count its lease from its send time plus that. The store fails fast, so no attempt
   * is ever left unanswered before the granting one: validFromNanos is that attempt's send time.
   */
  private AcquireResult answer(WaitLoop.Outcome<AcquireResult> outcome) {
    if (!(outcome.answer() instanceof Granted granted) || !outcome.sentByGrantingAttempt()) {
      return outcome.answer();
    }
    return new Granted(granted.token(), granted.holds(),
        Duration.ofNanos(Math.max(0, outcome.validFromNanos() - startNanos)));
  }

  CompletableFuture<AcquireResult> start() {
    loop.start();
    return result;
  }

  /** Ends the wait with {@code failure} (the server is stopping). */
  void abort(Throwable failure) {
    loop.result().completeExceptionally(failure);
  }

  /**
   * The caller is gone (it cancelled, its deadline passed, its connection closed): ends the wait; a grant that
   * arrives afterwards is given back at once, since nobody will use or release it. Safe to call more than once
   * and from any thread; a grant is given back once.
   */
  void callerGone(Throwable reason) {
    loop.result().completeExceptionally(reason); // a grant that arrives after this is unwanted()
  }

  /**
   * The call's answer could not be written to its caller: gives back the grant it carried, if it carried one.
   * Not for a late cancellation, which may come after the answer was delivered.
   */
  void answerUndelivered(Throwable reason) {
    if (loop.result().completeExceptionally(reason) || loop.result().isCompletedExceptionally()) {
      return;
    }
    if (loop.result().join().answer() instanceof Granted granted) {
      unwanted(granted);
    }
  }

  @Override
  public CompletableFuture<AcquireResult> send() {
    Duration listing = target.waitTimeout().isZero() ? target.waiterHint()
        : loop.remainingWait().plus(LISTING_MARGIN);
    return Errors.started(() -> setting.store().acquire(target.session(), target.lock(), target.owner(),
        target.leaseTtl(), target.requestId(), listing, queueKeep()));
  }

  /*
   * A waiting fair call re-attempts at least every re-check, so its place lasts twice that, but no longer than the
   * call's wait plus what the caller asked the place to outlast it (queue_keep_ms): zero from a caller whose wait
   * ends with this call, so a caller that gave up does not leave the lock free and refused to everyone for two
   * re-checks; a caller that comes back with the next call asks for more. At least 1 ms, so an attempt at the very
   * end of the wait still keeps its place in line (zero would take none).
   */
  private Duration queueKeep() {
    if (target.queueKeep() == null || target.waitTimeout().isZero()) {
      return target.queueKeep();
    }
    Duration asked = loop.remainingWait().plus(target.queueKeep());
    Duration keep = asked.compareTo(setting.recheck().multipliedBy(2)) < 0 ? asked : setting.recheck().multipliedBy(2);
    return keep.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : keep;
  }

  @Override
  public Optional<Duration> busy(AcquireResult answer) {
    if (!(answer instanceof Busy busy)) {
      return Optional.empty();
    }
    if (busy.delayed()) {
      setting.metrics().lockDelayHit();
    }
    if (!sawBusy) {
      sawBusy = true; // attempts of one wait are sequential: only one thread sees it unset
      setting.metrics().locks().contended(target.lock().fullName());
    }
    return Optional.of(busy.remaining());
  }

  /*
   * The library's deadlock detection with this wait's session owner as the party: the same rule and graph as a
   * library client's. Only after a busy answer of a waiting call, so an acquire that does not wait pays nothing.
   */
  @Override
  public CompletableFuture<Void> armed() {
    DeadlockCheck check = deadlocks;
    if (check == null) {
      DeadlockCheck.Detection detection = setting.store().deadlocks();
      if (detection == null || target.waitTimeout().isZero()) {
        return null;
      }
      String tenant = target.lock().tenant();
      check = new DeadlockCheck(detection, WaitGraphScripts.sessionParty(target.session().id(), target.owner()),
          target.lock().fullName(), full -> {
            String name = LockKey.nameWithin(tenant, full);
            return name == null ? full : name;
          });
      deadlocks = check;
      DeadlockCheck made = check;
      loop.result().whenComplete((outcome, failure) -> made.ended()); // at once if the wait has just ended
    }
    return check.armed(loop.remainingWait());
  }

  @Override
  public Optional<Duration> retryAfter(Throwable failure, int failuresInARow) {
    return Optional.empty(); // fail fast: the client retries with its own backoff, on any instance
  }

  /** A clean give-back (no lock-delay) of the hold that no caller received; at most once per wait. */
  @Override
  public void unwanted(AcquireResult grant) {
    if (!(grant instanceof Granted granted) || !givenBack.compareAndSet(false, true)) {
      return;
    }
    // By request id, not by token: the caller may have repeated this request through another instance and kept
    // that answer, and then the hold is not this wait's to give back (undo.lua refuses a repeated request).
    Errors.started(() -> setting.store().giveBack(target.session(), target.lock(), target.owner(), granted.token(),
        target.requestId())).exceptionally(e -> {
          log.warn("giving back lock '{}' (token {}) that its departed caller never received failed; it stays"
              + " held until its lease or session ends: {}", target.lock().name(), granted.token(),
              Errors.unwrap(e).getMessage());
          return null;
        });
  }

  @Override
  public WaitLoop.Registration joinEarly(WaitLoop.Sleeper sleeper) {
    return setting.room().waiter(target.lock().fullName(), sleeper,
        target.queueKeep() == null ? null : target.session().id() + " " + target.owner());
  }

  @Override
  public WaitLoop.Registration join(WaitLoop.Sleeper sleeper) {
    return joinEarly(sleeper); // not reached: a waiting acquire joins early; a zero wait never joins
  }
}
