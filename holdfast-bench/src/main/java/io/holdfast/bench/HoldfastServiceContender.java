package io.holdfast.bench;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.server.HoldfastServer;
import io.holdfast.server.ServerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Holdfast through the lock service: the harness starts one {@link HoldfastServer} in this JVM on a free
 * loopback port over the same redis-server, and each client instance is {@code Holdfast.connect} with a
 * {@code holdfast://} backend URI (holdfast-client: gRPC over its own HTTP/2 connection, its own session),
 * used exactly like the direct contender. Only the workloads the service is meant for run it: the cycle
 * workloads and the fleet.
 *
 * <p>Why it is safe to share: the server is started once under this object's lock on first use and stopped by
 * {@link #close}; the server itself is thread-safe and stateless (everything lives in Redis).
 */
final class HoldfastServiceContender implements Contender {
  /** The server's key prefix; its lock keys are {@code hs:{default/<name>}} (open tenant, no auth). */
  private static final String PREFIX = "hs";
  private static final String TENANT = "default";
  private static final Set<String> WORKLOADS = Set.of("uncontended", "contended", "fleet");

  private static final int PRIME_WORKERS = 16;

  private final Duration prime;
  private HoldfastServer server;

  /**
   * @param prime how long to run unmeasured acquire+release cycles through a freshly started service before the
   *     first instance connects, so that its JIT warm-up is not billed to the first workload
   */
  HoldfastServiceContender(Duration prime) {
    this.prime = prime;
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
  public Locker connect(LockerSpec spec) {
    HoldfastOptions options = HoldfastOptions.builder()
        .backend(server(spec.redisUri()).uri().toString())
        .clientName(spec.instanceName())
        .build();
    return new HoldfastContender.HoldfastLocker(Holdfast.connect(options), spec.leaseTtl());
  }

  private synchronized HoldfastServer server(String redisUri) {
    if (server == null) {
      server = HoldfastServer.start(ServerConfig.builder()
          .host("127.0.0.1").port(0).redis(URI.create(redisUri)).keyPrefix(PREFIX).build());
      prime(server.uri().toString());
    }
    return server;
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
            holdfast.tryAcquire(name, Duration.ofSeconds(30), Duration.ofSeconds(1)).ifPresent(Lease::release);
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
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
