package io.holdfast.cli;

import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The simulated fleet: one SimulatedNode per thread, each with its own client. Clients are connected before any
 * node starts, so that an unreachable backend fails the run at once and the measured duration excludes set-up;
 * they are connected a few at a time because each Redis client builds its own event loops.
 *
 * Lifecycle: connectAll, start, then stop (idempotent, from the main thread or the Ctrl-C hook) and
 * awaitTermination. Every client ever made is remembered for its metrics; each node closes its own clients.
 */
final class Fleet {
  private static final Logger log = LoggerFactory.getLogger(Fleet.class);
  private static final int CONNECT_PARALLELISM = 8;

  private final DemoSettings settings;
  private final FencedResource resource;
  private final DemoStats stats;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private List<Holdfast> initialClients = List.of();

  Fleet(DemoSettings settings, FencedResource resource, DemoStats stats) {
    this.settings = settings;
    this.resource = resource;
    this.stats = stats;
  }

  DemoSettings settings() {
    return settings;
  }

  boolean running() {
    return running;
  }

  /**
   * Connects one client per node. The first is connected alone so that an unreachable backend costs one
   * attempt, not one per node.
   *
   * @return the backend description of the first client
   * @throws CliFailure when a client cannot connect; every client already made is closed
   */
  String connectAll() {
    List<Holdfast> clients = new ArrayList<>(settings.nodes());
    clients.add(connect(SimulatedNode.clientName(0, 0)));
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(CONNECT_PARALLELISM, settings.nodes()));
    try {
      List<Future<Holdfast>> pending = new ArrayList<>();
      for (int id = 1; id < settings.nodes(); id++) {
        String name = SimulatedNode.clientName(id, 0);
        pending.add(pool.submit(() -> connect(name)));
      }
      collect(pending, clients);
    } finally {
      pool.shutdown();
    }
    initialClients = clients;
    return clients.get(0).describeBackend();
  }

  private static void collect(List<Future<Holdfast>> pending, List<Holdfast> into) {
    RuntimeException failure = null;
    for (Future<Holdfast> future : pending) {
      try {
        into.add(future.get());
      } catch (ExecutionException e) {
        failure = failure != null ? failure
            : e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure != null ? failure : new CliFailure("interrupted while connecting", 130);
      }
    }
    if (failure != null) {
      into.forEach(Fleet::closeQuietly);
      throw failure;
    }
  }

  /** Connects a client for a node and remembers its meter registry; throws CliFailure on failure. */
  Holdfast connect(String clientName) {
    HoldfastOptions options = HoldfastOptions.builder().backend(settings.backend()).clientName(clientName).build();
    Holdfast client = Backends.connect(options);
    registries.add(client.meterRegistry());
    return client;
  }

  /** Starts one platform thread per node; daemon threads, so a stuck node cannot keep the JVM alive. */
  void start() {
    SplittableRandom seeds = new SplittableRandom(settings.seed());
    for (int id = 0; id < initialClients.size(); id++) {
      SimulatedNode node = new SimulatedNode(id, initialClients.get(id), this, resource, stats, seeds.split());
      Thread thread = new Thread(node, "demo-node-" + id);
      thread.setDaemon(true);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  /** Waits until {@link #stop()} is called or the timeout passes. */
  void awaitStop(Duration timeout) throws InterruptedException {
    stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Tells every node to stop; their blocking calls are interrupted. Idempotent and thread-safe. */
  void stop() {
    running = false;
    stopped.countDown();
    threads.forEach(Thread::interrupt);
  }

  /**
   * Waits for the nodes to end (each closes its client on the way out).
   *
   * @return the number of nodes still running when the timeout passed
   */
  int awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int alive = 0;
    for (Thread thread : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(thread, left);
      }
      alive += thread.isAlive() ? 1 : 0;
    }
    return alive;
  }

  List<MeterRegistry> registries() {
    return List.copyOf(registries);
  }

  static void closeQuietly(Holdfast client) {
    if (client == null) {
      return;
    }
    try {
      client.close();
    } catch (RuntimeException e) {
      // close() is best effort by contract; a failure here must not hide the run's own result.
      log.warn("closing a demo client failed: {}", e.toString());
    }
  }
}
