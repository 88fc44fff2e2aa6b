package io.holdfast.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/*
 * The most contended locks of this instance in bounded memory, by the Space-Saving algorithm (Metwally, Agrawal,
 * El Abbadi, "Efficient Computation of Frequent and Top-k Elements in Data Streams", 2005): at most `capacity`
 * counters; a lock not tracked while all are taken replaces the one with the smallest count and inherits that
 * count as its possible overcount. So a lock's reported count is never below its true count and at most
 * `overcount` above it, and any lock whose true count exceeds (total events / capacity) is tracked. Memory and the
 * answer's size never depend on how many distinct locks there are, which is what keeps per-lock statistics from
 * exploding a metric's label cardinality: the metrics carry no lock name at all, and names are listed only here.
 *
 * Thread-safety: every method is synchronized. It is called once per acquire that found its lock held, never on
 * an uncontended grant, and an eviction scans at most `capacity` entries (small), so the monitor is short.
 */
final class HotLocks {
  /** One tracked lock: busy acquires counted (at most {@code overcount} too many) and the waits that ended. */
  record Entry(String fullName, long contended, long overcount, long waits, long waitedNanos) {
    Entry {
      if (contended < 0 || overcount < 0 || overcount > contended || waits < 0 || waitedNanos < 0) {
        throw new IllegalArgumentException("inconsistent hot-lock entry for " + fullName);
      }
    }
  }

  private static final class Counter {
    long contended;
    long overcount;
    long waits;
    long waitedNanos;
  }

  private final int capacity;
  private final Map<String, Counter> counters = new HashMap<>();

  HotLocks(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Counts one acquire that found {@code fullName} held or in its lock-delay. */
  synchronized void contended(String fullName) {
    Counter counter = counters.get(fullName);
    if (counter == null) {
      counter = new Counter();
      if (counters.size() >= capacity) {
        Map.Entry<String, Counter> least = counters.entrySet().stream()
            .min(Comparator.comparingLong(e -> e.getValue().contended)).orElseThrow();
        counters.remove(least.getKey());
        counter.contended = least.getValue().contended;
        counter.overcount = least.getValue().contended;
      }
      counters.put(fullName, counter);
    }
    counter.contended++;
  }

  /** Adds a finished wait for {@code fullName}, if it is still tracked (an evicted lock's wait is dropped). */
  synchronized void waited(String fullName, long nanos) {
    Counter counter = counters.get(fullName);
    if (counter != null) {
      counter.waits++;
      counter.waitedNanos += Math.max(0, nanos);
    }
  }

  /**
   * The most contended tracked locks of one tenant, most contended first (ties by name).
   *
   * @param tenant the tenant whose locks to list ({@code fullName} starts with {@code tenant/})
   * @param limit how many at most
   */
  synchronized List<Entry> top(String tenant, int limit) {
    List<Entry> all = new ArrayList<>();
    counters.forEach((name, c) -> {
      if (LockKey.nameWithin(tenant, name) != null) {
        all.add(new Entry(name, c.contended, c.overcount, c.waits, c.waitedNanos));
      }
    });
    all.sort(Comparator.comparingLong(Entry::contended).reversed().thenComparing(Entry::fullName));
    return List.copyOf(all.subList(0, Math.min(limit, all.size())));
  }

  /** How many locks are tracked now (at most the capacity). */
  synchronized int tracked() {
    return counters.size();
  }
}
