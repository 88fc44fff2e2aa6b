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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The simulated fleet: one SimulatedNode per thread, each with its own client. Clients are connected before any
 * node starts, so that an unreachable backend fails the run at once and the measured duration excludes set-up;
 * they are connected a few at a time because each Redis client builds its own event loops.
 *
 * Lifecycle: connectFirst, connectRest, start, then stop (idempotent, from the main thread or the Ctrl-C hook) and
 * awaitTermination. Every client ever made is remembered for its metrics; each node closes its own clients.
 */
final class Fleet {
  private static final Logger log = LoggerFactory.getLogger(Fleet.class);
  private static final int CONNECT_PARALLELISM = 8;

  private final DemoSettings settings;
  private final FencedResource resource;
  private final DemoStats stats;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  /* Copy-on-write: Ctrl-C may stop the fleet from the hook thread while start() is still adding nodes. */
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile boolean running = true;
  private final List<Holdfast> initialClients = new ArrayList<>();

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
   * Connects the first node's client alone, so that an unreachable backend fails after one attempt rather
   * than one per node.
   *
   * @return the backend's description
   * @throws CliFailure when it cannot connect
   */
  String connectFirst() {
    initialClients.add(connect(SimulatedNode.clientName(0, 0)));
    return initialClients.get(0).describeBackend();
  }

  /**
   * Connects the other nodes' clients, a few at a time.
   *
   * @throws CliFailure when a client cannot connect; every client already made is closed
   */
  void connectRest() {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(CONNECT_PARALLELISM, settings.nodes()));
    try {
      List<Future<Holdfast>> pending = new ArrayList<>();
      for (int id = initialClients.size(); id < settings.nodes(); id++) {
        String name = SimulatedNode.clientName(id, 0);
        pending.add(pool.submit(() -> connect(name)));
      }
      collect(pending, initialClients);
    } finally {
      pool.shutdown();
    }
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
      workers.add(new Worker(node, thread));
      thread.start();
    }
  }

  /** Waits until {@link #stop()} is called or the timeout passes. */
  void awaitStop(Duration timeout) throws InterruptedException {
    stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Tells every node to stop; their blocking calls are interrupted. Idempotent and thread-safe. */
  void stop() {
    // Once only: Ctrl-C can race the normal end of the run.
    if (stopping.compareAndSet(false, true)) {
      running = false;
      stopped.countDown();
      workers.forEach(worker -> worker.node().interrupt(worker.thread()));
    }
  }

  /**
   * Waits for the nodes to end (each closes its client on the way out).
   *
   * @return the number of nodes still running when the timeout passed
   */
  int awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int alive = 0;
    for (Worker worker : workers) {
      Thread thread = worker.thread();
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

  private record Worker(SimulatedNode node, Thread thread) { }

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
