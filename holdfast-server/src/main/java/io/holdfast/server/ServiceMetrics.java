package io.holdfast.server;

import io.grpc.Status;
import io.holdfast.server.StoreViews.Housekeeping;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/*
 * The service's Micrometer meters (exposed on /metrics in Prometheus format). Request timers are registered on
 * first use of an (operation, status) pair and then kept here, one array slot per status, because looking a timer
 * up through the registry builds its id, tags and histogram configuration on every request (it showed in the
 * service's profile). Counters and gauges are created once. Gauges read AtomicLongs written by the housekeeping
 * tick, so a scrape never calls Redis. All Micrometer meters are thread-safe; two threads registering the same
 * timer at once get the same meter from the registry, so the race is harmless.
 */
final class ServiceMetrics {
  private static final int STATUSES = Status.Code.values().length;

  private final MeterRegistry registry;
  private final ConcurrentMap<String, AtomicReferenceArray<Timer>> requestTimers = new ConcurrentHashMap<>();
  private final Counter lockDelayHits;
  private final Counter redisErrors;
  private final Counter sessionExpiries;
  private final Counter authFailures;
  private final AtomicLong activeSessions = new AtomicLong();
  private final AtomicLong indexedLocks = new AtomicLong();
  private final AtomicLong redisUp = new AtomicLong();
  private final LockStats lockStats;

  ServiceMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.lockDelayHits = Counter.builder("holdfast.server.lock.delay.hits")
        .description("Acquire attempts refused because the lock was in its lock-delay").register(registry);
    this.redisErrors = Counter.builder("holdfast.server.redis.errors")
        .description("Requests that failed because Redis was unavailable or refused a command").register(registry);
    this.sessionExpiries = Counter.builder("holdfast.server.session.expiries")
        .description("Sessions that expired without being closed (counted once across instances)")
        .register(registry);
    this.authFailures = Counter.builder("holdfast.server.auth.failures")
        .description("Calls refused for a missing, malformed or unknown bearer token").register(registry);
    Gauge.builder("holdfast.server.sessions.active", activeSessions, AtomicLong::get)
        .description("Live sessions in the store").register(registry);
    Gauge.builder("holdfast.server.locks.held", indexedLocks, AtomicLong::get)
        .description("Locks held or in lock-delay (pruned lazily)").register(registry);
    Gauge.builder("holdfast.server.redis.up", redisUp, AtomicLong::get)
        .description("1 while the store answers health checks").register(registry);
    this.lockStats = new LockStats(registry);
  }

  void waiterGauges(Supplier<Number> waiters, Supplier<Number> watchers) {
    Gauge.builder("holdfast.server.waiters", waiters).description("Acquires waiting in this instance")
        .register(registry);
    Gauge.builder("holdfast.server.watchers", watchers).description("Open Watch streams in this instance")
        .register(registry);
  }

  void request(String operation, Status.Code code, long nanos) {
    AtomicReferenceArray<Timer> byStatus = requestTimers.get(operation);
    if (byStatus == null) {
      byStatus = requestTimers.computeIfAbsent(operation, op -> new AtomicReferenceArray<>(STATUSES));
    }
    Timer timer = byStatus.get(code.ordinal());
    if (timer == null) {
      timer = Timer.builder("holdfast.server.requests").description("Requests by operation and gRPC status")
          .tag("operation", operation).tag("status", code.name()).publishPercentileHistogram()
          .register(registry);
      byStatus.set(code.ordinal(), timer);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  void authFailure() {
    authFailures.increment();
  }

  void lockDelayHit() {
    lockDelayHits.increment();
  }

  void redisError() {
    redisErrors.increment();
  }

  void housekeeping(Housekeeping counts) {
    sessionExpiries.increment(counts.expiredSessions());
    activeSessions.set(counts.activeSessions());
    indexedLocks.set(counts.indexedLocks());
  }

  void storeUp(boolean up) {
    redisUp.set(up ? 1 : 0);
  }

  /** Per-lock wait, hold and contention statistics of this instance. */
  LockStats locks() {
    return lockStats;
  }

  MeterRegistry registry() {
    return registry;
  }
}
