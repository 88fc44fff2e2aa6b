package io.holdfast.server;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastException;
import io.holdfast.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * Steady lock traffic through the lock service for failover tests: worker threads acquire one of a few locks
 * through holdfast:// clients, write to a fenced resource with the grant's token, and release. Every grant is
 * recorded (acquire start, grant time, token) so a test can check that no grant got a token lower than or equal
 * to one granted before its acquire started, and that the fenced resource never saw a token go backwards.
 */
final class ServiceTraffic implements AutoCloseable {
  /** One grant: when its acquire started and returned (monotonic nanos) and its token. */
  record Grant(String name, long token, long startedNanos, long grantedNanos) { }

  private final List<Grant> grants = new CopyOnWriteArrayList<>();
  private final Map<String, Long> highestAccepted = new ConcurrentHashMap<>();
  private final AtomicInteger staleWrites = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running = true;

  ServiceTraffic(List<Holdfast> clients, List<String> names, int threads, Duration ttl) {
    for (int t = 0; t < threads; t++) {
      Holdfast client = clients.get(t % clients.size());
      String name = names.get(t % names.size());
      Thread worker = new Thread(() -> loop(client, name, ttl), "service-traffic-" + t);
      worker.setDaemon(true);
      workers.add(worker);
    }
    workers.forEach(Thread::start);
  }

  private void loop(Holdfast client, String name, Duration ttl) {
    while (running) {
      long started = System.nanoTime();
      try {
        Optional<Lease> lease = client.tryAcquire(name, ttl, Duration.ofSeconds(2));
        if (lease.isPresent()) {
          long token = lease.get().fencingToken().value();
          grants.add(new Grant(name, token, started, System.nanoTime()));
          Thread.sleep(10);
          highestAccepted.merge(name, token, (highest, candidate) -> {
            if (candidate < highest) {
              staleWrites.incrementAndGet();
              return highest;
            }
            return candidate;
          });
          lease.get().close();
        }
      } catch (HoldfastException e) {
        failures.incrementAndGet();
        sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  void awaitGrants(int more, Duration timeout) {
    int target = grants.size() + more;
    Awaitility.await().atMost(timeout).until(() -> grants.size() >= target);
  }

  /** The first grant whose acquire started after {@code nanos}. */
  Optional<Grant> firstGrantStartedAfter(long nanos) {
    return grants.stream().filter(g -> g.startedNanos() - nanos > 0).findFirst();
  }

  /** Grants whose token is not larger than that of a grant of the same name made before they started. */
  List<Grant> tokensGoingBackwards() {
    List<Grant> bad = new ArrayList<>();
    for (Grant later : grants) {
      for (Grant earlier : grants) {
        if (earlier.name().equals(later.name()) && earlier.grantedNanos() - later.startedNanos() < 0
            && later.token() <= earlier.token()) {
          bad.add(later);
          break;
        }
      }
    }
    return bad;
  }

  int grantCount() {
    return grants.size();
  }

  int failures() {
    return failures.get();
  }

  /** Writes the fenced resource refused because a larger token had been accepted before. */
  int staleWrites() {
    return staleWrites.get();
  }

  @Override
  public void close() {
    running = false;
    for (Thread worker : workers) {
      worker.interrupt();
      try {
        worker.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
