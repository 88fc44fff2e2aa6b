package io.holdfast.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/*
 * One progress line per second on stderr while the demo runs. On a terminal the line is rewritten in place
 * with \r; anywhere else (a pipe, a CI log) each second gets its own line, because a log full of carriage
 * returns is unreadable. The rate is over the last second, which shows stalls and crashes as they happen.
 */
final class ProgressReporter {
  /* Set by the launcher script from `[ -t 2 ]`: Java cannot ask whether stderr alone is a terminal. */
  static final String TTY_PROPERTY = "holdfast.stderr.tty";

  private final PrintWriter err;
  private final DemoStats stats;
  private final FencedResource resource;
  private final boolean terminal;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "holdfast-demo-progress");
    thread.setDaemon(true);
    return thread;
  });
  private long startNanos;
  private long lastGrants;
  private long lastNanos;
  private int lastWidth;

  ProgressReporter(PrintWriter err, DemoStats stats, FencedResource resource) {
    this.err = err;
    this.stats = stats;
    this.resource = resource;
    this.terminal = isTerminal();
  }

  static boolean isTerminal() {
    String property = System.getProperty(TTY_PROPERTY);
    return property != null ? Boolean.parseBoolean(property) : System.console() != null;
  }

  void start(long runStartNanos) {
    this.startNanos = runStartNanos;
    this.lastNanos = runStartNanos;
    timer.scheduleAtFixedRate(this::report, 1, 1, TimeUnit.SECONDS);
  }

  /** Stops the reports and ends the rewritten line, so that what follows starts on a line of its own. */
  void stop() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (terminal && lastWidth > 0) {
        err.print('\n');
        err.flush();
      }
    }
  }

  private synchronized void report() {
    long now = System.nanoTime();
    long grants = stats.grants();
    double rate = (grants - lastGrants) / Math.max(1e-9, (now - lastNanos) / 1e9);
    lastGrants = grants;
    lastNanos = now;
    // key=value keeps the line under 80 columns for typical runs, which matters when it is redrawn in place.
    String line = String.format(Locale.ROOT,
        "%6.1fs grants=%d (%.0f/s) waiting=%d crashes=%d stalls=%d stale=%d violations=%d",
        (now - startNanos) / 1e9, grants, rate, stats.waiting(), stats.crashes(), stats.stalls(),
        resource.staleWritesRejected(), resource.violations());
    if (terminal) {
      // Pad to the previous width: a shorter line would otherwise leave the old line's tail on screen.
      err.print('\r' + line + " ".repeat(Math.max(0, lastWidth - line.length())));
      lastWidth = line.length();
    } else {
      err.println(line);
    }
    err.flush();
  }
}
