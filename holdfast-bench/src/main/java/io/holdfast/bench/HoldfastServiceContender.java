package io.holdfast.bench;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LeaseSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Holdfast through the lock service: the harness starts one lock service in a JVM of its own
 * ({@link ServiceProcess}) on a free loopback port over the same redis-server, and each client instance is
 * {@code Holdfast.connect} with a {@code holdfast://} backend URI (holdfast-client: gRPC over its own HTTP/2
 * connection, its own session), used exactly like the direct contender. Only the workloads the service is meant
 * for run it: the cycle workloads, the fleet, and the read/write lock and semaphore workloads (through the
 * service's {@code PrimitiveService}). The service's CPU time is read from its process
 * ({@link #serviceCpu}), so the harness's own CPU time is the clients' alone.
 *
 * <p>Why it is safe to share: the service is started once under this object's lock on first use and stopped by
 * {@link #close}; the service itself is thread-safe and stateless (everything lives in Redis).
 */
final class HoldfastServiceContender implements PrimitiveContender {
  /** The server's key prefix; its lock keys are {@code hs:{default/<name>}} (open tenant, no auth). */
  private static final String PREFIX = "hs";
  private static final String TENANT = "default";
  private static final Set<String> WORKLOADS = Set.of("uncontended", "contended", "fleet", "rwlock", "semaphore");

  private static final int PRIME_WORKERS = 16;
  private static final Duration PRIME_TTL = Duration.ofSeconds(30);
  private static final Duration PRIME_WAIT = Duration.ofSeconds(1);

  private final Duration prime;
  private final Path log;
  private ServiceProcess service;
  private boolean primitivesPrimed;

  /**
   * @param prime how long to run unmeasured acquire+release cycles through a freshly started service before the
   *     first instance connects, so that its JIT warm-up is not billed to the first workload
   * @param log the file the service's output is appended to, for diagnosis
   */
  HoldfastServiceContender(Duration prime, Path log) {
    this.prime = prime;
    this.log = log;
  }

  @Override
  public String name() {
    return "holdfast-service";
  }

  @Override
  public String tag() {
    return "hs";
  }

  @Override
  public boolean fencing() {
    return true;
  }

  @Override
  public String redisKey(String lockName) {
    return PREFIX + ":{" + TENANT + "/" + lockName + "}";
  }

  @Override
  public boolean runs(String workload) {
    return WORKLOADS.contains(workload);
  }

  @Override
  public HoldfastContender.HoldfastLocker connect(LockerSpec spec) {
    HoldfastOptions options = HoldfastOptions.builder()
        .backend(service(spec.redisUri()).uri().toString())
        .clientName(spec.instanceName())
        .build();
    return new HoldfastContender.HoldfastLocker(Holdfast.connect(options), spec.leaseTtl());
  }

  @Override
  public synchronized Optional<Duration> serviceCpu() {
    return service == null ? Optional.empty() : service.cpu();
  }

  /** The running service's process, or empty before the first connect and after {@link #close}. */
  synchronized Optional<ServiceProcess> service() {
    return Optional.ofNullable(service);
  }

  private synchronized ServiceProcess service(String redisUri) {
    if (service == null) {
      service = ServiceProcess.start(redisUri, PREFIX, log);
      prime(service.uri().toString());
    }
    return service;
  }

  /** Runs acquire+release cycles from {@value #PRIME_WORKERS} threads of one client for {@link #prime}. */
  private void prime(String uri) {
    prime(uri, (holdfast, name, round) -> holdfast.tryAcquire(AcquireRequest.of(name, PRIME_TTL)
        .withWait(PRIME_WAIT)).ifPresent(Lease::release));
  }

  /**
   * Primes the service's read/write lock and semaphore as {@link #prime(String)} primes its lock, once per start
   * of the service, before the first primitive workload measures it: the service's {@code PrimitiveService} and
   * its {@code WatchHolders} streams are code the plain lock's prime never ran, and a cold service stalled waiters
   * on a semaphore for over a second at first (docs/benchmarks.md). The threads share a few names, so that waits
   * and wake-ups run too.
   */
  @Override
  public synchronized void primePrimitives(LockerSpec spec) {
    ServiceProcess running = service(spec.redisUri());
    if (primitivesPrimed) {
      return;
    }
    primitivesPrimed = true;
    String prefix = "prime-p-" + System.nanoTime() + "-";
    prime(running.uri().toString(), (holdfast, name, round) -> {
      String shared = prefix + round % 2;
      LeaseSource source = switch ((int) (round % 3)) {
        case 0 -> holdfast.semaphore(shared, 4);
        case 1 -> holdfast.readWriteLock(shared).readLock();
        default -> holdfast.readWriteLock(shared).writeLock();
      };
      source.tryAcquire(PRIME_TTL, PRIME_WAIT).ifPresent(Lease::release);
    });
  }

  /** One cycle of a priming thread: a client, the thread's own name, and how many cycles it ran before. */
  private interface PrimeCycle {
    void run(Holdfast holdfast, String name, long round);
  }

  /** Runs {@code cycle} from {@value #PRIME_WORKERS} threads of one client for {@link #prime}. */
  private void prime(String uri, PrimeCycle cycle) {
    long deadline = System.nanoTime() + prime.toNanos();
    try (Holdfast holdfast = Holdfast.connect(uri)) {
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < PRIME_WORKERS; i++) {
        String name = "prime-" + System.nanoTime() + "-" + i;
        Thread thread = new Thread(() -> {
          for (long round = 0; System.nanoTime() - deadline < 0; round++) {
            cycle.run(holdfast, name, round);
          }
        }, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    if (service != null) {
      service.close();
      service = null;
      primitivesPrimed = false;
    }
  }
}
