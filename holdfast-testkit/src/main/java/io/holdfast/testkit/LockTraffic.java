package io.holdfast.testkit;

import io.holdfast.AcquireRequest;
import io.holdfast.FenceGuard;
import io.holdfast.FencingToken;
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
 * Steady lock traffic for failover tests, through any Holdfast clients (direct Redis or the lock service): worker
 * threads acquire one of a few locks, hold it, write to a fenced resource with the grant's token, and release,
 * over and over. Every grant is recorded (acquire start, grant time, token) so a test can measure how long grants
 * stopped during a fault, and check that no grant got a token lower than or equal to one granted before its
 * acquire started and that the fenced resource never saw a token go backwards.
 *
 * <p>Thread-safe: grants are in a copy-on-write list, the fenced resource is a concurrent map of thread-safe
 * {@link FenceGuard}s, and the workers stop at {@link #close()}.
 */
public final class LockTraffic implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LockTraffic.class);

  /**
   * One grant.
   *
   * @param name the lock
   * @param token its fencing token
   * @param startedNanos when its acquire started ({@link System#nanoTime()})
   * @param grantedNanos when its acquire returned the lease
   */
  public record Grant(String name, long token, long startedNanos, long grantedNanos) { }

  private final List<Grant> grants = new CopyOnWriteArrayList<>();
  private final Map<String, FenceGuard> resource = new ConcurrentHashMap<>();
  private final AtomicInteger staleWrites = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running = true;

  /**
   * Starts the workers at once; worker {@code t} uses client {@code t % clients} and lock {@code t % names}.
   *
   * @param clients the clients to spread the workers over
   * @param names the locks to spread the workers over
   * @param threads how many workers
   * @param ttl each lease's TTL
   * @param hold how long each worker holds a lease before its write and release
   */
  public LockTraffic(List<Holdfast> clients, List<String> names, int threads, Duration ttl, Duration hold) {
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
        Optional<Lease> lease = client.tryAcquire(AcquireRequest.of(name, ttl).withWait(Duration.ofSeconds(2)));
        if (lease.isEmpty()) {
          continue;
        }
        long token = lease.get().fencingToken().value();
        grants.add(new Grant(name, token, started, System.nanoTime()));
        Thread.sleep(hold.toMillis());
        write(name, lease.get().fencingToken());
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

  /* The fenced resource: the library's in-process guard, one per lock, as a user's resource would keep. */
  private void write(String name, FencingToken token) {
    if (!resource.computeIfAbsent(name, lock -> new FenceGuard()).admit(token)) {
      staleWrites.incrementAndGet();
    }
  }

  /**
   * Every grant so far, in the order they were recorded.
   *
   * @return a copy
   */
  public List<Grant> grants() {
    return List.copyOf(grants);
  }

  /**
   * How many grants so far.
   *
   * @return the count
   */
  public int grantCount() {
    return grants.size();
  }

  /**
   * Acquires and releases that failed with a {@link HoldfastException} (the worker pauses 50 ms and goes on).
   *
   * @return the count
   */
  public int failures() {
    return failures.get();
  }

  /**
   * Writes the fenced resource refused because a larger token of that lock had been accepted before.
   *
   * @return the count; 0 unless fencing failed
   */
  public int staleWrites() {
    return staleWrites.get();
  }

  /**
   * The first grant (by grant time) whose acquire started at or after {@code nanos}.
   *
   * @param nanos a {@link System#nanoTime()} instant
   * @return the grant, or empty
   */
  public Optional<Grant> firstGrantAfter(long nanos) {
    return firstGrantAfter(nanos, null);
  }

  /**
   * The first grant (by grant time) of the given locks whose acquire started at or after {@code nanos}.
   *
   * @param nanos a {@link System#nanoTime()} instant
   * @param names the locks, or null for all
   * @return the grant, or empty
   */
  public Optional<Grant> firstGrantAfter(long nanos, List<String> names) {
    return grants.stream().filter(g -> g.startedNanos() - nanos >= 0 && of(g, names))
        .min(Comparator.comparingLong(Grant::grantedNanos));
  }

  /**
   * The longest time between consecutive grants of the given locks within [from, to], the ends included as
   * grants.
   *
   * @param names the locks
   * @param from a {@link System#nanoTime()} instant
   * @param to a later one
   * @return the gap in nanoseconds
   */
  public long longestGapNanos(List<String> names, long from, long to) {
    List<Long> times = new ArrayList<>();
    times.add(from);
    grants.stream().filter(g -> of(g, names) && g.grantedNanos() - from > 0 && to - g.grantedNanos() > 0)
        .map(Grant::grantedNanos).sorted().forEach(times::add);
    times.add(to);
    long longest = 0;
    for (int i = 1; i < times.size(); i++) {
      longest = Math.max(longest, times.get(i) - times.get(i - 1));
    }
    return longest;
  }

  /**
   * Grants whose token is not larger than that of a grant of the same lock that returned before their acquire
   * started: a fencing token that went backwards.
   *
   * @return each as "earlier then later"; empty when tokens only grew
   */
  public List<String> tokensGoingBackwards() {
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

  /**
   * Waits until at least {@code count} more grants happened.
   *
   * @param count how many more
   * @param timeout how long to wait
   * @throws AssertionError if they did not happen within {@code timeout}
   */
  public void awaitGrants(int count, Duration timeout) {
    awaitGrants(count, null, timeout);
  }

  /**
   * Waits until at least {@code count} more grants of the given locks happened.
   *
   * @param count how many more
   * @param names the locks, or null for all
   * @param timeout how long to wait
   * @throws AssertionError if they did not happen within {@code timeout}
   */
  public void awaitGrants(int count, List<String> names, Duration timeout) {
    long target = granted(names) + count;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (granted(names) < target) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("only " + granted(names) + " of " + target + " grants of "
            + (names == null ? "all locks" : names) + " after " + timeout + ", failures " + failures.get());
      }
      pause(20);
    }
  }

  private long granted(List<String> names) {
    return grants.stream().filter(g -> of(g, names)).count();
  }

  private static boolean of(Grant grant, List<String> names) {
    return names == null || names.contains(grant.name());
  }

  /** Stops the workers: each finishes (releases) the lease it holds, then ends; waits up to 15 s for each. */
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
