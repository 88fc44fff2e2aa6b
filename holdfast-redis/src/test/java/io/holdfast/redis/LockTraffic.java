package io.holdfast.redis;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steady lock traffic for failover tests: worker threads acquire one of a few locks, write to a fenced resource
 * with the grant's token, and release, over and over, through real Holdfast clients. It records every grant
 * (acquire start, grant time, token) so a test can measure how long grants stopped during a fault and check
 * that no grant ever got a token lower than one granted before it started.
 */
final class LockTraffic implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LockTraffic.class);

  /** One grant: when its acquire started and returned (monotonic nanos) and its token. */
  record Grant(String name, long token, long startedNanos, long grantedNanos) { }

  private final List<Grant> grants = new CopyOnWriteArrayList<>();
  private final Map<String, Long> highestAccepted = new ConcurrentHashMap<>();
  private final AtomicInteger rejectedWrites = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running = true;

  LockTraffic(List<Holdfast> clients, List<String> names, int threads, Duration ttl, Duration hold) {
    for (int t = 0; t < threads; t++) {
      Holdfast client = clients.get(t % clients.size());
      String name = names.get(t % names.size());
      Thread worker = new Thread(() -> loop(client, name, ttl, hold), "traffic-" + t);
      worker.setDaemon(true);
      workers.add(worker);
    }
    workers.forEach(Thread::start);
  }

  private void loop(Holdfast client, String name, Duration ttl, Duration hold) {
    while (running) {
      long started = System.nanoTime();
      try {
        Optional<Lease> lease = client.tryAcquire(name, ttl, Duration.ofSeconds(2));
        if (lease.isEmpty()) {
          continue;
        }
        long token = lease.get().fencingToken().value();
        grants.add(new Grant(name, token, started, System.nanoTime()));
        Thread.sleep(hold.toMillis());
        write(name, token);
        lease.get().close();
      } catch (HoldfastException e) {
        failures.incrementAndGet();
        LOG.debug("traffic on {}: {}", name, e.toString());
        pause(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The fenced resource: accepts a write only if no larger token was accepted before for that lock. */
  private void write(String name, long token) {
    long[] rejected = new long[1];
    highestAccepted.merge(name, token, (highest, candidate) -> {
      if (candidate < highest) {
        rejected[0] = 1;
        return highest;
      }
      return candidate;
    });
    if (rejected[0] == 1) {
      rejectedWrites.incrementAndGet();
    }
  }

  List<Grant> grants() {
    return List.copyOf(grants);
  }

  int failures() {
    return failures.get();
  }

  int rejectedWrites() {
    return rejectedWrites.get();
  }

  /** The first grant (of the given locks) whose acquire started at or after {@code nanos}, if any. */
  Optional<Grant> firstGrantAfter(long nanos, List<String> names) {
    return grants.stream().filter(g -> g.startedNanos() - nanos >= 0 && names.contains(g.name()))
        .min(Comparator.comparingLong(Grant::grantedNanos));
  }

  /** The longest time between consecutive grants of the given locks within [from, to] (monotonic nanos). */
  long longestGapNanos(List<String> names, long from, long to) {
    List<Long> times = new ArrayList<>();
    times.add(from);
    grants.stream().filter(g -> names.contains(g.name()) && g.grantedNanos() - from > 0 && to - g.grantedNanos() > 0)
        .map(Grant::grantedNanos).sorted().forEach(times::add);
    times.add(to);
    long longest = 0;
    for (int i = 1; i < times.size(); i++) {
      longest = Math.max(longest, times.get(i) - times.get(i - 1));
    }
    return longest;
  }

  /**
   * Grants whose token is not larger than that of a grant of the same lock that returned before this one's
   * acquire started: a fencing token that went backwards.
   */
  List<String> tokensGoingBackwards() {
    Map<String, List<Grant>> byName = new HashMap<>();
    grants.forEach(g -> byName.computeIfAbsent(g.name(), n -> new ArrayList<>()).add(g));
    List<String> problems = new ArrayList<>();
    for (List<Grant> list : byName.values()) {
      for (Grant later : list) {
        for (Grant earlier : list) {
          if (earlier.grantedNanos() - later.startedNanos() < 0 && earlier.token() >= later.token()) {
            problems.add(earlier + " then " + later);
          }
        }
      }
    }
    return problems;
  }

  /** Waits until at least {@code count} more grants happened, or fails after {@code timeout}. */
  void awaitGrants(int count, Duration timeout) {
    awaitGrants(count, null, timeout);
  }

  /** Waits until at least {@code count} more grants of the given locks (null: any) happened. */
  void awaitGrants(int count, List<String> names, Duration timeout) {
    long target = granted(names) + count;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (granted(names) < target) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("only " + granted(names) + " of " + target + " grants of " + names + " after "
            + timeout + ", failures " + failures.get());
      }
      pause(20);
    }
  }

  private long granted(List<String> names) {
    return names == null ? grants.size() : grants.stream().filter(g -> names.contains(g.name())).count();
  }

  @Override
  public void close() {
    running = false;
    for (Thread worker : workers) {
      try {
        worker.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
