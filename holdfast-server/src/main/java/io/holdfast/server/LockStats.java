package io.holdfast.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/*
 * Per-lock statistics of this instance with a fixed set of series: wait and hold histograms and a contention
 * counter carry no lock name (so /metrics grows with nothing a client controls), and the names of the most
 * contended locks are kept by HotLocks (bounded) and listed by the admin route /v1/admin/hot-locks.
 *
 * Hold times are measured from a grant made here to a release answered here (the Java client sends both on one
 * stream to one instance); a grant released elsewhere, by session close or expiry, or force-released is not
 * measured, and its entry ages out of the bounded map. Thread-safety: Micrometer meters are thread-safe; the
 * grant map is a synchronized, bounded LinkedHashMap touched once per first grant and once per final release.
 */
final class LockStats {
  /** Locks whose contention is tracked by name (Space-Saving counters). */
  static final int HOT_CAPACITY = 256;
  /** Grants whose start is remembered for the hold histogram; older ones are dropped first. */
  static final int HOLD_CAPACITY = 10_000;

  private final Timer waitGranted;
  private final Timer waitTimedOut;
  private final Timer hold;
  private final Counter contended;
  private final HotLocks hot = new HotLocks(HOT_CAPACITY);
  private final Map<String, Long> grantedAt = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > HOLD_CAPACITY;
    }
  };

  LockStats(MeterRegistry registry) {
    this.waitGranted = waitTimer(registry, "granted");
    this.waitTimedOut = waitTimer(registry, "timeout");
    this.hold = Timer.builder("holdfast.server.lock.hold")
        .description("Grant to release of locks granted and released through this instance")
        .publishPercentileHistogram().register(registry);
    this.contended = Counter.builder("holdfast.server.lock.contended")
        .description("Acquire calls that found their lock held or in its lock-delay").register(registry);
    Gauge.builder("holdfast.server.lock.hot.tracked", hot, HotLocks::tracked)
        .description("Locks whose contention is tracked by name (at most " + HOT_CAPACITY + ")")
        .register(registry);
  }

  private static Timer waitTimer(MeterRegistry registry, String outcome) {
    return Timer.builder("holdfast.server.lock.wait")
        .description("How long acquires that found their lock held waited in this instance, by outcome")
        .tag("outcome", outcome).publishPercentileHistogram().register(registry);
  }

  /** An acquire call found {@code fullName} held or lock-delayed (counted once per call). */
  void contended(String fullName) {
    contended.increment();
    hot.contended(fullName);
  }

  /** A waiting acquire that found its lock held ended: granted or not, after {@code nanos}. */
  void waited(String fullName, boolean granted, long nanos) {
    (granted ? waitGranted : waitTimedOut).record(nanos, TimeUnit.NANOSECONDS);
    hot.waited(fullName, nanos);
  }

  /** This instance granted {@code fullName} under {@code token} (the first hold, not a re-entry). */
  void granted(String fullName, long token) {
    long now = System.nanoTime();
    synchronized (grantedAt) {
      grantedAt.put(key(fullName, token), now);
    }
  }

  /** This instance answered the final release of {@code fullName} under {@code token}. */
  void released(String fullName, long token) {
    Long since;
    synchronized (grantedAt) {
      since = grantedAt.remove(key(fullName, token));
    }
    if (since != null) {
      hold.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
    }
  }

  /** The tracker of the most contended locks. */
  HotLocks hot() {
    return hot;
  }

  private static String key(String fullName, long token) {
    return token + " " + fullName;
  }
}
