package io.holdfast.cli;

import io.holdfast.HoldfastException;
import io.holdfast.api.v1.ListLocksResponse;
import io.holdfast.api.v1.LockInfo;
import io.holdfast.client.ServiceAdmin;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/* holdfast locks: the held (and lock-delayed) locks of the token's tenant, one line each. Read-only. */
@Command(
    name = "locks",
    mixinStandardHelpOptions = true,
    description = "Lists held locks: holder session, client name, host and clock offset, fencing token,"
        + " acquired-at, remaining lease.",
    footer = {"", "Examples:",
        "  HOLDFAST_TOKEN=acme-client-token-1 holdfast locks --server 127.0.0.1:7420",
        "  holdfast locks --server holdfast://acme-client-token-1@127.0.0.1:7420 --prefix orders/",
        "  holdfast locks --server 127.0.0.1:7420 --limit 100 --after orders/41"})
final class LocksCommand implements Callable<Integer> {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Spec
  CommandSpec spec;

  @Mixin
  ServerOption server;

  @Option(names = "--prefix", paramLabel = "TEXT", description = "Only names starting with this.")
  String prefix = "";

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N locks (default: all of them).")
  int limit;

  @Option(names = "--after", paramLabel = "NAME",
      description = "Start after this name (the NAME a listing cut short by --limit prints last).")
  String after = "";

  @Override
  public Integer call() {
    String uri = server.required();
    if (limit < 0) {
      throw new CliFailure("--limit must not be negative, was " + limit, HoldfastCli.EXIT_USAGE);
    }
    List<LockInfo> locks = new ArrayList<>();
    String next = after;
    try (ServiceAdmin admin = connect(uri)) {
      do {
        ListLocksResponse page = admin.listLocks(prefix, next, limit == 0 ? 0 : limit - locks.size());
        locks.addAll(page.getLocksList());
        next = page.getNextPageToken();
      } while (!next.isEmpty() && (limit == 0 || locks.size() < limit));
    } catch (HoldfastException e) {
      throw ServiceFailures.failure(uri, e);
    }
    print(spec.commandLine().getOut(), locks, next);
    return 0;
  }

  /* One line per lock; "more: --after NAME" when --limit cut the listing short. */
  private static void print(PrintWriter out, List<LockInfo> locks, String next) {
    if (locks.isEmpty()) {
      out.println("no locks held");
      return;
    }
    String format = "%-32s %-8s %-20s %-24s %-20s %-20s %-10s %-24s %s%n";
    out.printf(format, "NAME", "STATE", "TOKEN", "SESSION", "CLIENT", "HOST", "CLOCK", "ACQUIRED", "REMAINING");
    for (LockInfo lock : locks) {
      out.printf(format, lock.getName(), state(lock), lock.getFencingToken(), lock.getSessionId(),
          lock.getClientName(), lock.getClientHost().isEmpty() ? "-" : lock.getClientHost(), clock(lock),
          acquiredAt(lock), DurationConverter.format(Duration.ofMillis(lock.getRemainingMs())));
    }
    if (!next.isEmpty()) {
      out.println("more: --after " + next);
    }
  }

  static ServiceAdmin connect(String uri) {
    try {
      return ServiceAdmin.connect(uri, TIMEOUT);
    } catch (HoldfastException e) {
      throw ServiceFailures.failure(uri, e);
    }
  }

  static String state(LockInfo lock) {
    return lock.getDelayed() ? "delayed" : lock.getHeld() ? "held" : "free";
  }

  /** The holder's wall clock minus the service's store clock, as the holder measured it ("-" unknown). */
  static String clock(LockInfo lock) {
    return lock.hasClockOffsetUs() ? String.format(Locale.ROOT, "%+.1fms", lock.getClockOffsetUs() / 1000.0) : "-";
  }

  static String acquiredAt(LockInfo lock) {
    return lock.getAcquiredAtMs() == 0 ? "-" : Instant.ofEpochMilli(lock.getAcquiredAtMs()).toString();
  }
}
