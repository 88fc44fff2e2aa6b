package io.holdfast.bench;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
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

  private final Duration prime;
  private final Path log;
  private ServiceProcess service;

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
    long deadline = System.nanoTime() + prime.toNanos();
    try (Holdfast holdfast = Holdfast.connect(uri)) {
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < PRIME_WORKERS; i++) {
        String name = "prime-" + System.nanoTime() + "-" + i;
        Thread thread = new Thread(() -> {
          while (System.nanoTime() - deadline < 0) {
            holdfast.tryAcquire(AcquireRequest.of(name, Duration.ofSeconds(30))
                .withWait(Duration.ofSeconds(1))).ifPresent(Lease::release);
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
    }
  }
}
