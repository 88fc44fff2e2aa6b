package io.holdfast.server;

import io.holdfast.server.StoreViews.AcquireResult;
import io.holdfast.server.StoreViews.Busy;
import io.holdfast.server.StoreViews.Granted;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One server-side acquire with a wait (the long poll behind Acquire/TryAcquire), as a small state machine:
 * attempt -> granted | busy -> sleep until a release message, the holder's remaining time, or the bounded
 * re-check interval -> attempt ... until the wait runs out. It registers in the WaitRoom before its first attempt,
 * so a release between a busy answer and the sleep is not missed (it sets wokenInFlight and the next attempt
 * follows at once). Every attempt carries the same request id, so it is idempotent. Each attempt also checks the
 * caller's session: a session that expires during the wait ends it with SESSION_EXPIRED within one re-check.
 * A store failure ends the wait at once (fail fast; the client retries). A grant that arrives after the caller
 * has gone, or whose answer never reached the caller, is released again at once rather than left held for the
 * session's lifetime (callerGone; an AtomicBoolean makes that release happen once). Phase changes happen under
 * this object's monitor; store calls are made outside it.
 */
final class AcquireWait implements WaitRoom.Waker {
  /** What every wait of one server shares. */
  record Setting(LockStore store, WaitRoom room, ScheduledExecutorService timers, ServiceMetrics metrics,
      Duration recheck) { }

  /** What to acquire. */
  record Target(SessionRef session, LockKey lock, String owner, Duration leaseTtl, long requestId,
      Duration waitTimeout, Duration waiterHint) { }

  private enum Phase { IN_FLIGHT, SLEEPING, DONE }

  private static final Duration LISTING_MARGIN = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(AcquireWait.class);

  private final Setting setting;
  private final Target target;
  private final long deadlineNanos;
  private final CompletableFuture<AcquireResult> result = new CompletableFuture<>();
  private final AtomicBoolean givenBack = new AtomicBoolean();
  private Phase phase = Phase.IN_FLIGHT;
  private boolean wokenInFlight;
  private ScheduledFuture<?> timer;
  private WaitRoom.Registration registration;

  AcquireWait(Setting setting, Target target) {
    this.setting = setting;
    this.target = target;
    this.deadlineNanos = System.nanoTime() + target.waitTimeout().toNanos();
  }

  CompletableFuture<AcquireResult> start() {
    if (!target.waitTimeout().isZero()) {
      registration = setting.room().waiter(target.lock().fullName(), this);
    }
    result.whenComplete((outcome, failure) -> finish(outcome));
    attempt();
    return result;
  }

  /** Ends the wait with {@code failure} (the server is stopping). */
  void abort(Throwable failure) {
    result.completeExceptionally(failure);
  }

  /**
   * The caller is gone (it cancelled, its deadline passed, its connection closed): ends the wait; a grant that
   * arrives afterwards is given back at once, since nobody will use or release it. Safe to call more than once
   * and from any thread; a grant is given back once.
   */
  void callerGone(Throwable reason) {
    result.completeExceptionally(reason); // a grant that arrives after this is given back (onGranted)
  }

  /**
   * The call's answer could not be written to its caller: gives back the grant it carried, if it carried one.
   * Not for a late cancellation, which may come after the answer was delivered.
   */
  void answerUndelivered(Throwable reason) {
    if (result.completeExceptionally(reason) || result.isCompletedExceptionally()) {
      return;
    }
    if (result.join() instanceof Granted granted) {
      giveBack(granted);
    }
  }

  private void attempt() {
    if (result.isDone()) {
      return;
    }
    Duration listing = target.waitTimeout().isZero() ? target.waiterHint()
        : Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())).plus(LISTING_MARGIN);
    Errors.started(() -> setting.store().acquire(target.session(), target.lock(), target.owner(),
        target.leaseTtl(), target.requestId(), listing)).whenComplete((outcome, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else if (outcome instanceof Granted granted) {
        onGranted(granted);
      } else {
        onBusy((Busy) outcome);
      }
    });
  }

  private void onGranted(Granted granted) {
    if (!result.complete(granted)) {
      giveBack(granted);
    }
  }

  /** A clean give-back (no lock-delay) of the hold that no caller received; at most once per wait. */
  private void giveBack(Granted granted) {
    if (!givenBack.compareAndSet(false, true)) {
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

  private void onBusy(Busy busy) {
    if (busy.delayed()) {
      setting.metrics().lockDelayHit();
    }
    long now = System.nanoTime();
    if (now - deadlineNanos >= 0) {
      result.complete(busy);
      return;
    }
    long sleep = Math.min(Math.min(busy.remaining().toNanos() + TimeUnit.MILLISECONDS.toNanos(1),
        setting.recheck().toNanos()), deadlineNanos - now);
    synchronized (this) {
      if (phase == Phase.DONE) {
        return;
      }
      if (wokenInFlight) {
        wokenInFlight = false;
        setting.timers().execute(this::attempt);
        return;
      }
      phase = Phase.SLEEPING;
      timer = setting.timers().schedule(this::timerFired, Math.max(0, sleep), TimeUnit.NANOSECONDS);
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
      if (phase == Phase.DONE) {
        return false;
      }
      if (phase == Phase.IN_FLIGHT) {
        wokenInFlight = true;
        return true;
      }
      phase = Phase.IN_FLIGHT;
      if (timer != null) {
        timer.cancel(false);
      }
    }
    setting.timers().execute(this::attempt);
    return true;
  }

  private void finish(AcquireResult outcome) {
    synchronized (this) {
      phase = Phase.DONE;
      if (timer != null) {
        timer.cancel(false);
      }
    }
    if (registration != null) {
      registration.close();
    }
    if (!(outcome instanceof Granted) && !target.waitTimeout().isZero()) {
      Errors.started(() -> setting.store().removeWaiter(target.lock(), target.session().id(), target.owner()))
          .exceptionally(e -> null);
    }
  }
}
