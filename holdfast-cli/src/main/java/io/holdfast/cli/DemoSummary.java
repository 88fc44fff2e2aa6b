package io.holdfast.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/*
 * The end-of-run report on stdout. One "label: value" per line so that scripts and tests can pick values out;
 * the last line is always exactly "fencing violations: N", the number the exit code is decided by.
 */
final class DemoSummary {
  private final PrintWriter out;

  DemoSummary(PrintWriter out) {
    this.out = out;
  }

  void print(String backend, DemoSettings settings, Duration elapsed, boolean interrupted, DemoStats stats,
      FencedResource resource) {
    double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-9);
    long failed = stats.timeouts() + stats.errors();
    out.println();
    out.println("holdfast demo summary" + (interrupted ? " (interrupted)" : ""));
    line("backend", backend);
    line("nodes", Integer.toString(settings.nodes()));
    line("locks", Integer.toString(settings.locks()));
    line("duration", format("%.1fs", seconds));
    line("lease TTL", DurationConverter.format(settings.ttl()));
    line("seed", Long.toString(settings.seed()));
    line("acquisitions", format("%d (%.1f/s)", stats.grants(), stats.grants() / seconds));
    line("failed acquisitions/min", format("%.1f (%d timed out, %d errors)", failed * 60 / seconds,
        stats.timeouts(), stats.errors()));
    line("wait p50/p99", format("%.1f ms / %.1f ms", stats.waitMillis(50), stats.waitMillis(99)));
    line("hold p50/p99", format("%.1f ms / %.1f ms", stats.holdMillis(50), stats.holdMillis(99)));
    line("crashes", Long.toString(stats.crashes()));
    line("stalls", Long.toString(stats.stalls()));
    line("lease expiries", Long.toString(stats.leaseExpiries()));
    line("stale writes rejected", Long.toString(resource.staleWritesRejected()));
    line("writes accepted", Long.toString(resource.writesAccepted()));
    if (stats.outlivedTtl() > 0) {
      line("leases that outlived TTL", stats.outlivedTtl() + " (the backend did not expire them in time)");
    }
    line("violations by kind", format("duplicate token %d, valid lease fenced %d, token not above released %d",
        resource.duplicateTokens(), resource.validLeaseFenced(), resource.tokenNotAboveReleased()));
    out.println("fencing violations: " + resource.violations());
    out.flush();
  }

  private void line(String label, String value) {
    out.println(format("  %-25s %s", label + ":", value));
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
