package io.holdfast;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One observation of an election's leader: inspect the lock, report a change, sleep, inspect again. It sleeps until a
 * release message for the lock (through the client's WakeupHub, as a sleeper that never takes the wake-up, so the
 * local waiter a release is meant for still gets it), or until the holder's remaining lease (an expiry publishes
 * nothing), or the client's re-check interval. While nobody leads it re-checks sooner, doubling from VACANT_FIRST up
 * to the re-check interval, because a grant publishes nothing either. It can report nothing wrong: each report is
 * one inspect's answer. Thread-safety: the phase (checking, again, timer, last) is guarded by this object's monitor;
 * inspects are sent outside it, one at a time; reports go to the client's single listener thread in order.
 */
final class LeaderWatch implements Election.Observation {
  private static final Logger log = LoggerFactory.getLogger(LeaderWatch.class);
  private static final long VACANT_FIRST_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final LockClient client;
  private final LockName name;
  private final LeaderObserver observer;
  private final long recheckNanos;
  private WakeupHub.Registration registration;
  private Optional<Leader> last;
  private long vacantNanos = VACANT_FIRST_NANOS;
  private ScheduledFuture<?> timer;
  private boolean checking;
  private boolean again;
  private boolean closed;

  LeaderWatch(LockClient client, LockName name, LeaderObserver observer) {
    this.client = client;
    this.name = name;
    this.observer = observer;
    this.recheckNanos = client.options().recheckInterval().toNanos();
  }

  LeaderWatch start() {
    WakeupHub.Registration joined = client.wakeups().register(LeaseKind.LOCK, name, () -> {
      check();
      return false;
    });
    synchronized (this) {
      registration = joined;
    }
    joined.live().whenComplete((live, failure) -> check());
    return this;
  }

  private void check() {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      if (timer != null) {
        timer.cancel(false);
      }
    }
    client.inspectAsync(name).whenComplete((state, failure) -> answered(state, failure));
  }

  private void answered(Optional<LockState> state, Throwable failure) {
    long sleepNanos;
    synchronized (this) {
      checking = false;
      if (closed) {
        return;
      }
      if (failure != null) {
        log.debug("observing election '{}': inspect failed, re-checking: {}", name, Failures.describe(failure));
        sleepNanos = recheckNanos;
      } else {
        sleepNanos = report(state.map(Leader::of));
      }
      if (again) {
        again = false;
        sleepNanos = 0;
      }
      schedule(sleepNanos);
    }
  }

  /** Reports a change and says how long to sleep before the next check. Called under the monitor. */
  private long report(Optional<Leader> now) {
    boolean changed = last == null || last.isPresent() != now.isPresent()
        || (now.isPresent() && !now.get().sameTermAs(last.get()));
    if (changed) {
      last = now;
      client.runListener(() -> observer.leaderChanged(now), "leader changed", name);
    }
    if (now.isEmpty()) {
      long sleep = vacantNanos;
      vacantNanos = Math.min(recheckNanos, vacantNanos * 2);
      return sleep;
    }
    vacantNanos = VACANT_FIRST_NANOS;
    Duration remaining = now.get().remainingTtl();
    return Math.min(recheckNanos, remaining.toNanos() + TimeUnit.MILLISECONDS.toNanos(1));
  }

  private void schedule(long sleepNanos) {
    try {
      timer = client.scheduler().schedule(this::check, sleepNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException clientClosed) {
      closed = true;
    }
  }

  @Override
  public void close() {
    WakeupHub.Registration leaving;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (timer != null) {
        timer.cancel(false);
      }
      leaving = registration;
    }
    leaving.close();
  }
}
