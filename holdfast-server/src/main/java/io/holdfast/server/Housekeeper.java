package io.holdfast.server;

import com.linecorp.armeria.server.healthcheck.SettableHealthChecker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The periodic work of one instance: a store ping every second (the first during start-up) that drives readiness
 * (/health: not ready until the store has answered, with the reason kept for the answer) and the redis.up gauge,
 * and a housekeeping script every two seconds that counts session expiries (exactly once across instances, see
 * housekeeping.lua) and refreshes the gauges. Both run on the shared timer thread and only read or write
 * thread-safe objects (the health checker, Micrometer meters, an AtomicBoolean, a volatile reason). A state
 * change of the store is logged once, not on every tick.
 */
final class Housekeeper {
  private static final Logger log = LoggerFactory.getLogger(Housekeeper.class);

  private final LockStore store;
  private final ServiceMetrics metrics;
  private final ScheduledExecutorService timers;
  private final SettableHealthChecker readiness = new SettableHealthChecker(false);
  private final AtomicBoolean up = new AtomicBoolean(false);
  private volatile String downReason = "the store has not been checked yet";
  private volatile ScheduledFuture<?> pings;
  private volatile ScheduledFuture<?> sweeps;

  Housekeeper(LockStore store, ServiceMetrics metrics, ScheduledExecutorService timers) {
    this.store = store;
    this.metrics = metrics;
    this.timers = timers;
    metrics.storeUp(false);
  }

  SettableHealthChecker readiness() {
    return readiness;
  }

  /** Why the store is not ready, for /health; null while it answers. */
  String downReason() {
    return downReason;
  }

  /** Checks the store once (bounded by the Redis timeout) so readiness is known, then every second. */
  void start() {
    ping().join();
    pings = timers.scheduleWithFixedDelay(this::ping, 1, 1, TimeUnit.SECONDS);
    sweeps = timers.scheduleWithFixedDelay(this::sweep, 2, 2, TimeUnit.SECONDS);
  }

  void stop() {
    readiness.setHealthy(false);
    if (pings != null) {
      pings.cancel(false);
    }
    if (sweeps != null) {
      sweeps.cancel(false);
    }
  }

  /** One check; the future completes (never exceptionally) once readiness reflects it. */
  private CompletableFuture<Void> ping() {
    return Errors.started(store::ping).handle((ok, failure) -> {
      boolean healthy = failure == null;
      downReason = healthy ? null
          : "the store " + store.describe() + " does not answer: " + Errors.unwrap(failure).getMessage();
      readiness.setHealthy(healthy);
      metrics.storeUp(healthy);
      if (up.compareAndSet(!healthy, healthy)) {
        if (healthy) {
          log.info("store {} answers: ready", store.describe());
        } else {
          log.error("{}: not ready, requests fail with UNAVAILABLE", downReason);
        }
      }
      return null;
    });
  }

  private void sweep() {
    if (!up.get()) {
      return;
    }
    Errors.started(store::housekeeping).whenComplete((counts, failure) -> {
      if (failure == null) {
        metrics.housekeeping(counts);
      } else {
        log.debug("housekeeping failed: {}", Errors.unwrap(failure).getMessage());
      }
    });
  }
}
