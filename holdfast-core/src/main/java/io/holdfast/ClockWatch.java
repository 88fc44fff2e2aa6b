package io.holdfast;

import io.holdfast.spi.LockBackend;
import io.holdfast.internal.Hosts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The clock detector: reads the backend's clock (Redis TIME, on the lock calls' connection) at most once a second,
 * when the renewal cycle ticks or a lock is granted, and measures this host's wall-clock offset and the rate of its
 * monotonic clock against it (ClockSamples). Leases are timed by the backend, so the offset does not affect safety;
 * the rate does: a local clock running slow makes the local validity deadline (counted in local nanoseconds) fall
 * after the backend has expired the lease. When the measured rate, less its error bound, is slower than the drift
 * allowance covers, validityScale() drops below 1 and every grant counts only that fraction of its TTL as valid
 * (Grant), which keeps isValid() conservative. A clock running fast needs nothing: it only ends validity early.
 * A backend whose own calls carry its clock (the lock service: every keep-alive reply carries its store's time)
 * delivers those readings instead (LockBackend.clockReadings), so measuring costs it no call; each evaluation hands
 * the offset back to the backend (clockOffsetMeasured), which the lock service stores with the session.
 *
 * One WARN per episode (offset or drift out of bounds), one INFO when it ends. Thread-safe: samples complete on
 * backend threads into the synchronized ClockSamples; the scale and episode flag are volatile and written only by
 * the one callback in flight at a time (the inFlight flag admits one read or delivered reading at a time).
 */
final class ClockWatch {
  private static final Logger log = LoggerFactory.getLogger(ClockWatch.class);
  /** Wall-clock offsets beyond this are reported: they confuse logs and timestamps across the fleet. */
  static final long OFFSET_WARN_NANOS = 500_000_000L;
  private static final long SAMPLE_EVERY_NANOS = 1_000_000_000L;

  private final LockBackend backend;
  private final Clock wallClock;
  private final double driftFactor;
  private final Runnable onShrink;
  private final ClockSamples samples = new ClockSamples();
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private volatile boolean enabled;
  private volatile long lastSampleNanos;
  private volatile boolean sampled;
  private volatile double validityScale = 1.0;
  private volatile boolean episode;

  /**
   * @param onShrink called when the validity scale drops, so that deadlines are checked again at once
   */
  ClockWatch(LockBackend backend, HoldfastOptions options, Runnable onShrink) {
    this.backend = backend;
    this.wallClock = options.wallClock();
    this.driftFactor = options.driftFactor();
    this.onShrink = onShrink;
    this.enabled = !backend.clockReadings(this::reading); // last: readings may arrive at once
  }

  /** The fraction of a TTL a grant counts as locally valid: 1, or less while this host's clock runs slow. */
  double validityScale() {
    return validityScale;
  }

  /** Local wall clock minus the backend's, in seconds; NaN before the first reading. */
  double offsetSeconds() {
    return samples.offsetNanos().orElse(Double.NaN) / 1e9;
  }

  /** Local monotonic rate minus 1 (-0.5: half speed); NaN until a rate is known. */
  double rateDrift() {
    return samples.rate().orElse(Double.NaN) - 1;
  }

  /** Reads the backend's clock unless a read is in flight or the last one was under a second ago. */
  void maybeSample() {
    long now = System.nanoTime();
    if (!enabled || sampled && now - lastSampleNanos < SAMPLE_EVERY_NANOS || !inFlight.compareAndSet(false, true)) {
      return;
    }
    lastSampleNanos = now;
    sampled = true;
    long wallBefore = epochNanos(wallClock.instant());
    long sent = System.nanoTime();
    CompletableFutures.safely(backend::time).whenComplete((time, failure) -> {
      long received = System.nanoTime();
      long wallAfter = epochNanos(wallClock.instant());
      try {
        if (failure != null) {
          log.debug("reading the backend's clock failed: {}", Failures.describe(Failures.unwrap(failure)));
        } else {
          record(time, sent, received, wallBefore, wallAfter);
        }
      } finally {
        inFlight.set(false);
      }
    });
  }

  /* A reading the backend delivered with a call of its own; one evaluation at a time, a dropped reading is harmless. */
  private void reading(long sent, long received, Instant backendTime) {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    try {
      long midpoint = sent + (received - sent) / 2;
      long wallAtMidpoint = epochNanos(wallClock.instant()) - (System.nanoTime() - midpoint);
      samples.add(new ClockSamples.Sample(midpoint, wallAtMidpoint, received - sent, epochNanos(backendTime)));
      evaluate();
    } finally {
      inFlight.set(false);
    }
  }

  private void record(Optional<Instant> time, long sent, long received, long wallBefore, long wallAfter) {
    if (time.isEmpty()) {
      enabled = false; // this backend has no clock of its own to compare with
      return;
    }
    samples.add(new ClockSamples.Sample(sent + (received - sent) / 2, wallBefore + (wallAfter - wallBefore) / 2,
        received - sent, epochNanos(time.get())));
    evaluate();
  }

  private void evaluate() {
    samples.offsetNanos().ifPresent(offset -> backend.clockOffsetMeasured(Duration.ofNanos((long) offset)));
    if (samples.rate().isEmpty()) {
      return; // judged once the rate is known too (a couple of seconds), so one warning carries both figures
    }
    double offset = samples.offsetNanos().orElse(0);
    double rate = samples.rate().orElse(1);
    double error = samples.rateError().orElse(0);
    double scale = validityScale(rate, error, driftFactor);
    double previous = validityScale;
    validityScale = scale;
    if (scale < previous) {
      onShrink.run();
    }
    boolean outOfBounds = Math.abs(rate - 1) - error > driftFactor || Math.abs(offset) > OFFSET_WARN_NANOS;
    if (outOfBounds && !episode) {
      episode = true;
      log.warn("clock of host {} is off from the backend {}: wall clock {} from it, monotonic clock runs at {}x "
          + "(rate drift {}, drift allowance {}); {}", Hosts.localName(), backend.describe(), seconds(offset),
          String.format(Locale.ROOT, "%.3f", rate), percent(rate - 1), String.format(Locale.ROOT, "%.1f%%", driftFactor * 100),
          scale < 1 ? String.format(Locale.ROOT, "leases held here now count only %.3f of their TTL as valid", scale)
              : "local lease validity stays conservative");
    } else if (!outOfBounds && episode) {
      episode = false;
      log.info("clock of host {} is back within bounds of the backend {}: wall clock {}, rate drift {}",
          Hosts.localName(),
          backend.describe(), seconds(offset), percent(rate - 1));
    }
  }

  /*
   * The slowest rate the measurement allows; when slower than the drift allowance covers, validity is counted in
   * that many local nanoseconds per backend nanosecond, so the local deadline falls before the backend's expiry.
   */
  static double validityScale(double rate, double error, double driftFactor) {
    double slowest = rate - error;
    return slowest < 1 - driftFactor ? Math.max(0, slowest) : 1.0;
  }

  private static long epochNanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  private static String seconds(double nanos) {
    return String.format(Locale.ROOT, "%+.3f s", nanos / 1e9);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
  }
}
