package io.holdfast.verify;

import io.holdfast.OwnerToken;
import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.time.Duration;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/*
 * One workload worker in a client JVM: acquire -> fenced writes with random sleeps (sometimes renewing) ->
 * release, reporting each step to the checker. Stamps are taken with System.nanoTime before an operation starts
 * and after it ends, so the checker can only widen operations. A validity claim is stamped before the validity is
 * read, so the claimed end (stamp + remaining) can only be earlier than what the lease itself believed.
 *
 * The worker behaves like an honest application: it checks its lease before each write and stops writing once
 * the lease says it is no longer valid. Some writes (half, by default) happen after more "work" following that
 * check, which is exactly where a GC pause (our SIGSTOP) makes a holder write with a lease it lost meanwhile.
 */
final class Worker implements Runnable {
  private final String process;
  private final Workload workload;
  private final LockDriver driver;
  private final HubLink link;
  private final Random random;
  private final BooleanSupplier stopping;

  Worker(String process, Workload workload, LockDriver driver, HubLink link, long seed, BooleanSupplier stopping) {
    this.process = process;
    this.workload = workload;
    this.driver = driver;
    this.link = link;
    this.random = new Random(seed);
    this.stopping = stopping;
  }

  @Override
  public void run() {
    while (!stopping.getAsBoolean()) {
      cycle();
    }
  }

  private void cycle() {
    String lock = "lock-" + random.nextInt(workload.locks());
    // A fresh owner per acquire, as an application would use: the full random token (its leading part may be
    // the same for every token of a JVM), prefixed with the process for readable histories.
    String owner = process + "-" + OwnerToken.random().value();
    Duration wait = Duration.ofMillis((long) (random.nextDouble() * workload.maxWait().toMillis()));
    boolean autoRenew = random.nextDouble() < workload.autoRenewals();
    link.event(System.nanoTime(), Type.INVOKE, Op.ACQUIRE, lock, owner, 0, -1, "wait " + wait.toMillis() + " ms");
    LockDriver.Held held;
    try {
      held = driver.tryAcquire(lock, owner, workload.ttl(), wait, autoRenew);
    } catch (RuntimeException e) {
      link.event(System.nanoTime(), Type.INFO, Op.ACQUIRE, lock, owner, 0, -1, describe(e));
      sleep(workload.step());
      return;
    }
    long stamp = System.nanoTime();
    if (held == null) {
      link.event(stamp, Type.FAIL, Op.ACQUIRE, lock, owner, 0, -1, "busy");
      return;
    }
    link.event(stamp, Type.OK, Op.ACQUIRE, lock, owner, held.token(), held.validNanos(),
        autoRenew ? "auto-renew" : "");
    hold(lock, owner, held);
    release(lock, owner, held);
  }

  private void hold(String lock, String owner, LockDriver.Held held) {
    boolean longHold = random.nextDouble() < workload.longHolds();
    int steps = longHold ? 4 + random.nextInt(5) : 1 + random.nextInt(3);
    Duration step = longHold ? workload.ttl().dividedBy(3) : workload.step();
    for (int i = 0; i < steps && (i == 0 || !stopping.getAsBoolean()); i++) {
      sleep(randomUpTo(step));
      if (random.nextDouble() < workload.renewals()) {
        renew(lock, owner, held);
      }
      long claimStamp = System.nanoTime();
      long valid = held.validNanos();
      if (valid <= 0) {
        return;
      }
      if (random.nextDouble() < workload.lateWrites()) {
        sleep(randomUpTo(step));
      }
      link.write(lock, owner, held.token(), claimStamp, valid);
    }
  }

  private void renew(String lock, String owner, LockDriver.Held held) {
    link.event(System.nanoTime(), Type.INVOKE, Op.RENEW, lock, owner, held.token(), -1, "");
    try {
      held.renew();
      long stamp = System.nanoTime();
      link.event(stamp, Type.OK, Op.RENEW, lock, owner, held.token(), held.validNanos(), "");
    } catch (LockDriver.NotHeld e) {
      link.event(System.nanoTime(), Type.FAIL, Op.RENEW, lock, owner, held.token(), -1, describe(e));
    } catch (RuntimeException e) {
      link.event(System.nanoTime(), Type.INFO, Op.RENEW, lock, owner, held.token(), -1, describe(e));
    }
  }

  private void release(String lock, String owner, LockDriver.Held held) {
    link.event(System.nanoTime(), Type.INVOKE, Op.RELEASE, lock, owner, held.token(), -1, "");
    try {
      held.release();
      link.event(System.nanoTime(), Type.OK, Op.RELEASE, lock, owner, held.token(), -1, "");
    } catch (LockDriver.NotHeld e) {
      link.event(System.nanoTime(), Type.FAIL, Op.RELEASE, lock, owner, held.token(), -1, describe(e));
    } catch (RuntimeException e) {
      link.event(System.nanoTime(), Type.INFO, Op.RELEASE, lock, owner, held.token(), -1, describe(e));
    }
  }

  private Duration randomUpTo(Duration max) {
    return Duration.ofNanos((long) (random.nextDouble() * max.toNanos()));
  }

  private static void sleep(Duration duration) {
    LockSupport.parkNanos(duration.toNanos());
  }

  private static String describe(Throwable e) {
    if (e instanceof HubLink.CheckerGone gone) {
      throw gone;
    }
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    String text = e.getClass().getSimpleName() + message;
    return text.length() > 200 ? text.substring(0, 200) : text;
  }
}
