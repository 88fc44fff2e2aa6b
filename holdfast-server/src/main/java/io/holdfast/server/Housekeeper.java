package io.holdfast.server;

import com.linecorp.armeria.server.healthcheck.SettableHealthChecker;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The periodic work of one instance: a store ping every second that drives readiness (/health) and the
 * redis.up gauge, and a housekeeping script every two seconds that counts session expiries (exactly once across
 * instances, see housekeeping.lua) and refreshes the gauges. Both run on the shared timer thread and only read
 * or write thread-safe objects (the health checker, Micrometer meters, an AtomicBoolean). A state change of
 * the store is logged once, not on every tick.
 */
final class Housekeeper {
  private static final Logger log = LoggerFactory.getLogger(Housekeeper.class);

  private final LockStore store;
  private final ServiceMetrics metrics;
  private final ScheduledExecutorService timers;
  private final SettableHealthChecker readiness = new SettableHealthChecker(true);
  private final AtomicBoolean up = new AtomicBoolean(true);
  private volatile ScheduledFuture<?> pings;
  private volatile ScheduledFuture<?> sweeps;

  Housekeeper(LockStore store, ServiceMetrics metrics, ScheduledExecutorService timers) {
    this.store = store;
    this.metrics = metrics;
    this.timers = timers;
    metrics.storeUp(true);
  }

  SettableHealthChecker readiness() {
    return readiness;
  }

  void start() {
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

  private void ping() {
    store.ping().whenComplete((ok, failure) -> {
      boolean healthy = failure == null;
      readiness.setHealthy(healthy);
      metrics.storeUp(healthy);
      if (up.compareAndSet(!healthy, healthy)) {
        if (healthy) {
          log.info("store {} answers again: ready", store.describe());
        } else {
          log.error("store {} does not answer: not ready, requests fail with UNAVAILABLE ({})", store.describe(),
              Errors.unwrap(failure).getMessage());
        }
      }
    });
  }

  private void sweep() {
    if (!up.get()) {
      return;
    }
    store.housekeeping().whenComplete((counts, failure) -> {
      if (failure == null) {
        metrics.housekeeping(counts);
      } else {
        log.debug("housekeeping failed: {}", Errors.unwrap(failure).getMessage());
      }
    });
  }
}
