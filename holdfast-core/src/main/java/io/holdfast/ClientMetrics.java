package io.holdfast;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/*
 * The client's Micrometer meters, registered once per client and tagged with its name. Meter look-ups happen at
 * construction so the hot path only increments; Micrometer meters are thread-safe.
 */
final class ClientMetrics {
  private final Timer acquireGranted;
  private final Timer acquireTimedOut;
  private final Timer acquireFailed;
  private final Timer hold;
  private final Counter renewed;
  private final Counter renewalCalls;
  private final Counter renewalFailures;
  private final Counter lostNotOwner;
  private final Counter lostUnconfirmed;
  private final Counter lostSession;
  private final Counter lostExpired;
  private final MeterRegistry registry;
  private final Tags tags;
  private final java.util.List<Gauge> gauges = new java.util.ArrayList<>();

  ClientMetrics(MeterRegistry registry, String clientName) {
    this.registry = registry;
    this.tags = Tags.of("client", clientName);
    this.acquireGranted = acquireTimer("granted");
    this.acquireTimedOut = acquireTimer("timeout");
    this.acquireFailed = acquireTimer("failed");
    this.hold = Timer.builder("holdfast.lease.hold").description("How long leases were held")
        .tags(tags).publishPercentileHistogram().register(registry);
    this.renewed = Counter.builder("holdfast.renewals").description("Leases renewed")
        .tags(tags).register(registry);
    this.renewalCalls = Counter.builder("holdfast.renewal.calls").description("Backend calls made to renew")
        .tags(tags).register(registry);
    this.renewalFailures = Counter.builder("holdfast.renewal.failures")
        .description("Renewal calls that failed transiently").tags(tags).register(registry);
    this.lostNotOwner = lostCounter(LeaseLostReason.NOT_OWNER);
    this.lostUnconfirmed = lostCounter(LeaseLostReason.UNCONFIRMED);
    this.lostSession = lostCounter(LeaseLostReason.SESSION_LOST);
    this.lostExpired = lostCounter(LeaseLostReason.EXPIRED);
  }

  void gauges(Supplier<Number> heldGrants, Supplier<Number> waiters) {
    gauges.add(Gauge.builder("holdfast.leases.held", heldGrants).description("Grants this client holds")
        .tags(tags).register(registry));
    gauges.add(Gauge.builder("holdfast.waiters", waiters).description("Acquires waiting for a held lock")
        .tags(tags).register(registry));
  }

  /** The clock detector's gauges: wall-clock offset from the backend (seconds) and monotonic rate drift (ratio). */
  void clockGauges(java.util.function.DoubleSupplier offsetSeconds, java.util.function.DoubleSupplier rateDrift) {
    gauges.add(Gauge.builder("holdfast.clock.offset", offsetSeconds::getAsDouble)
        .description("This host's wall clock minus the backend's (Redis TIME); NaN before the first reading")
        .baseUnit("seconds").tags(tags).register(registry));
    gauges.add(Gauge.builder("holdfast.clock.rate.drift", rateDrift::getAsDouble)
        .description("Rate of this host's monotonic clock relative to the backend's, minus 1 (-0.5: half speed)")
        .tags(tags).register(registry));
  }

  /** Removes the gauges, which read this client's state: a later client of the same name registers its own. */
  void close() {
    gauges.forEach(registry::remove);
  }

  void acquired(long waitNanos) {
    acquireGranted.record(waitNanos, TimeUnit.NANOSECONDS);
  }

  void acquireTimedOut(long waitNanos) {
    acquireTimedOut.record(waitNanos, TimeUnit.NANOSECONDS);
  }

  void acquireFailed(long waitNanos) {
    acquireFailed.record(waitNanos, TimeUnit.NANOSECONDS);
  }

  void held(long holdNanos) {
    hold.record(holdNanos, TimeUnit.NANOSECONDS);
  }

  void renewalCall(int leases) {
    renewalCalls.increment();
    renewed.increment(leases);
  }

  void renewalFailed() {
    renewalFailures.increment();
  }

  void leaseLost(LeaseLostReason reason) {
    switch (reason) {
      case NOT_OWNER -> lostNotOwner.increment();
      case UNCONFIRMED -> lostUnconfirmed.increment();
      case SESSION_LOST -> lostSession.increment();
      case EXPIRED -> lostExpired.increment();
    }
  }

  void retried(String operation) {
    registry.counter("holdfast.retries", tags.and("operation", operation)).increment();
  }

  private Timer acquireTimer(String outcome) {
    return Timer.builder("holdfast.acquire").description("Acquire wait time by outcome")
        .tags(tags.and("outcome", outcome)).publishPercentileHistogram().register(registry);
  }

  private Counter lostCounter(LeaseLostReason reason) {
    return Counter.builder("holdfast.lease.lost").description("Leases lost while held")
        .tags(tags.and("reason", reason.name().toLowerCase(java.util.Locale.ROOT))).register(registry);
  }
}
