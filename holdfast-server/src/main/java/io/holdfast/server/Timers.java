package io.holdfast.server;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * The one timer thread of a server: wait re-checks, wake-up re-attempts and housekeeping. Tasks only start
 * asynchronous store calls, so one thread is enough; it is a daemon so that a forgotten server cannot keep a
 * JVM alive, and cancelled timers are removed at once so that many short waits leave no garbage behind.
 */
final class Timers {
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private Timers() { }

  static ScheduledThreadPoolExecutor create() {
    String name = "holdfast-server-" + SERVERS.incrementAndGet() + "-timer";
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
    timers.setRemoveOnCancelPolicy(true);
    return timers;
  }
}
