package io.holdfast;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The client's two daemon threads: one scheduler for timers, retries and renewal ticks, and one for user
 * listeners. Listeners get their own thread so that a slow or blocking listener delays only other listeners,
 * never renewal; and a listener's exception is logged and dropped, never propagated into the engine.
 */
final class ClientThreads {
  private static final Logger log = LoggerFactory.getLogger(ClientThreads.class);
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService listeners;

  ClientThreads(String clientName) {
    int id = CLIENTS.incrementAndGet();
    this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("holdfast-" + id + "-scheduler"));
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.listeners = Executors.newSingleThreadExecutor(daemon("holdfast-" + id + "-listeners"));
    log.debug("client {} started threads holdfast-{}-*", clientName, id);
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  void notify(HeldLease lease, LeaseLostReason reason) {
    try {
      listeners.execute(() -> {
        try {
          lease.listener().leaseLost(lease, reason);
        } catch (RuntimeException e) {
          log.error("lease-lost listener for lock '{}' owner {} threw; ignored", lease.name(), lease.owner(), e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      log.debug("client closed; lease-lost listener for lock '{}' not called", lease.name());
    }
  }

  /** Runs a user callback (an election's listener or observer) on the listener thread; its exception is logged. */
  void listener(Runnable callback, String what, LockName name) {
    try {
      listeners.execute(() -> {
        try {
          callback.run();
        } catch (RuntimeException e) {
          log.error("{} callback for '{}' threw; ignored", what, name, e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      log.debug("client closed; {} callback for '{}' not called", what, name);
    }
  }

  void shutdown() {
    scheduler.shutdownNow();
    listeners.shutdown();
    try {
      listeners.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
