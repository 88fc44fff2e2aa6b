package io.holdfast.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/*
 * One run of the demo: connect the fleet, run it for the duration (or until Ctrl-C), stop it, report.
 *
 * Ctrl-C: the JVM runs shutdown hooks while the main thread keeps going, so the hook only stops the fleet and
 * then waits for this thread to finish the summary; once the hook returns the JVM halts. The hook's wait is
 * bounded so that a wedged run still exits.
 */
final class DemoRun {
  static final String LIBRARY_LOG_PROPERTY = "org.slf4j.simpleLogger.log.io.holdfast";
  static final String NETTY_TIMER_LOG_PROPERTY = "org.slf4j.simpleLogger.log.io.netty.util.HashedWheelTimer";
  private static final Duration HOOK_GRACE = Duration.ofSeconds(30);

  private final DemoSettings settings;
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean quiet;
  private final boolean metrics;
  private final DemoStats stats = new DemoStats();
  private final FencedResource resource = new FencedResource();
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);

  DemoRun(DemoSettings settings, PrintWriter out, PrintWriter err, boolean quiet, boolean metrics) {
    this.settings = settings;
    this.out = out;
    this.err = err;
    this.quiet = quiet;
    this.metrics = metrics;
  }

  /** Runs the demo; returns 0 without fencing violations, 1 with. */
  int run() {
    quietLibraryWarnings();
    Fleet fleet = new Fleet(settings, resource, stats);
    Thread hook = new Thread(() -> onCtrlC(fleet), "holdfast-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return runFleet(fleet);
    } finally {
      finished.countDown();
      removeHook(hook);
    }
  }

  private int runFleet(Fleet fleet) {
    String backend = fleet.connectFirst();
    if (!quiet) {
      err.println("holdfast demo: " + settings.nodes() + " nodes, " + settings.locks() + " locks, "
          + DurationConverter.format(settings.duration()) + " on " + backend);
    }
    fleet.connectRest();
    ProgressReporter progress = new ProgressReporter(err, stats, resource);
    long started = System.nanoTime();
    if (!quiet) {
      progress.start(started);
    }
    fleet.start();
    try {
      // Counted from before the threads started: starting a hundred of them on a busy machine takes a while.
      fleet.awaitStop(settings.duration().minusNanos(System.nanoTime() - started));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    fleet.stop();
    progress.stop();
    awaitNodes(fleet);
    new DemoSummary(out).print(backend, settings, elapsed, interrupted.get(), stats, resource);
    if (metrics) {
      MeterSummary.of(fleet.registries()).print(out, fleet.registries().size());
    }
    return resource.violations() == 0 ? 0 : HoldfastCli.EXIT_FAILURE;
  }

  /* Nodes stop at their next interruptible call; closing a Redis client can take a moment on top. */
  private void awaitNodes(Fleet fleet) {
    Duration grace = settings.ttl().plusSeconds(10);
    try {
      int alive = fleet.awaitTermination(grace);
      if (alive > 0) {
        err.println("holdfast: " + alive + " nodes did not stop within " + DurationConverter.format(grace)
            + "; the summary may still change under them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void onCtrlC(Fleet fleet) {
    interrupted.set(true);
    fleet.stop();
    try {
      finished.await(HOOK_GRACE.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting (Ctrl-C): the hook is running and will return once `finished` is set.
    }
  }

  /*
   * The demo loses leases on purpose, hundreds of them, and the library logs each loss at WARN; those lines
   * would bury the progress line and say nothing the summary does not. Only set when the user has not chosen
   * a level (e.g. -Dorg.slf4j.simpleLogger.log.io.holdfast=warn in HOLDFAST_JAVA_OPTS). slf4j-simple reads
   * levels when a logger is created, which for the library is when the first client connects, after this.
   */
  private static void quietLibraryWarnings() {
    if (System.getProperty(LIBRARY_LOG_PROPERTY) == null) {
      System.setProperty(LIBRARY_LOG_PROPERTY, "error");
      System.setProperty(LIBRARY_LOG_PROPERTY + ".cli", "warn");
    }
    // Netty complains once more than 64 timers exist; here each simulated node is meant to be its own process
    // with its own Redis client, so the complaint is about the simulation, not a leak.
    if (System.getProperty(NETTY_TIMER_LOG_PROPERTY) == null) {
      System.setProperty(NETTY_TIMER_LOG_PROPERTY, "off");
    }
  }
}
