package io.holdfast.cli;

import io.holdfast.AcquireRequest;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/*
 * holdfast demo: a simulated fleet contending for a few locks while nodes crash and stall, with a referee that
 * proves fencing held. This class owns the options and their validation; DemoRun runs it.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Simulates a fleet contending for locks while nodes crash and stall, and checks that fencing held.",
        "",
        "Every node has its own client and thread and loops picking a random lock,"
            + " acquiring it, writing to a shared resource with the lease's fencing token, and"
            + " releasing it. Some holds crash (the lease is abandoned and must expire) or stall past their TTL"
            + " (the late write must be refused as stale). A referee counts fencing violations.",
        "",
        "Runs on an in-process store unless --redis is given. Prints progress on stderr and a summary on"
            + " stdout; Ctrl-C ends early and still prints it.",
        "Exit code: 0 without violations, 1 with violations, 2 on bad options or an unreachable backend."},
    footer = {"", "Examples:",
        "  holdfast demo",
        "  holdfast demo --nodes 200 --duration 1m --redis redis://127.0.0.1:6379"})
final class DemoCommand implements Callable<Integer> {
  static final int MAX_NODES = 10_000;
  static final int MAX_LOCKS = 1_000_000;
  static final Duration MAX_DURATION = Duration.ofDays(1);
  static final Duration MAX_TTL = Duration.ofMinutes(10);

  @Spec
  CommandSpec spec;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "100",
      description = "Simulated nodes, 1 to " + MAX_NODES + " (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--locks", paramLabel = "N", defaultValue = "10",
      description = "Locks the nodes contend for, 1 to " + MAX_LOCKS + " (default: ${DEFAULT-VALUE}).")
  int locks;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "20s",
      description = "How long to run: 500ms, 30s, 2m, 1h or PT30S (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "2s",
      description = "Lease TTL of every acquire (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Option(names = "--crash-rate", paramLabel = "FRACTION", defaultValue = "0.005",
      description = "Fraction of holds in which the node crashes, 0 to 1 (default: ${DEFAULT-VALUE}).")
  double crashRate;

  @Option(names = "--stall-rate", paramLabel = "FRACTION", defaultValue = "0.005",
      description = "Fraction of holds in which the node stalls past the TTL, 0 to 1 (default: ${DEFAULT-VALUE}).")
  double stallRate;

  @Mixin
  RedisOption redis;

  @Option(names = "--seed", paramLabel = "SEED",
      description = "Seed for the nodes' random choices (default: random; printed in the summary).")
  Long seed;

  @Option(names = "--metrics", description = "Print the clients' Micrometer meters, summed, at the end.")
  boolean metrics;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines; only the summary.")
  boolean quiet;

  @Override
  public Integer call() {
    DemoSettings settings = validate();
    return new DemoRun(settings, spec.commandLine().getOut(), spec.commandLine().getErr(), quiet, metrics)
        .run();
  }

  DemoSettings validate() {
    check(nodes >= 1 && nodes <= MAX_NODES, "--nodes", "must be from 1 to " + MAX_NODES + ", was " + nodes);
    check(locks >= 1 && locks <= MAX_LOCKS, "--locks", "must be from 1 to " + MAX_LOCKS + ", was " + locks);
    check(!duration.isNegative() && !duration.isZero() && duration.compareTo(MAX_DURATION) <= 0,
        "--duration", "must be positive and at most 1d, was " + DurationConverter.format(duration));
    check(ttl.compareTo(AcquireRequest.MIN_TTL) >= 0 && ttl.compareTo(MAX_TTL) <= 0, "--ttl",
        "must be from " + DurationConverter.format(AcquireRequest.MIN_TTL) + " to 10m, was "
            + DurationConverter.format(ttl));
    checkFraction(crashRate, "--crash-rate");
    checkFraction(stallRate, "--stall-rate");
    check(crashRate + stallRate <= 1, "--crash-rate",
        "plus --stall-rate must not exceed 1, was " + (crashRate + stallRate));
    String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 32);
    String backend = redis.optional().map(URI::toString).orElse("embedded:demo-" + runId);
    long chosenSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
    return new DemoSettings(backend, runId, nodes, locks, duration, ttl, crashRate, stallRate, chosenSeed);
  }

  private void checkFraction(double value, String option) {
    check(value >= 0 && value <= 1, option, String.format(Locale.ROOT, "must be from 0 to 1, was %s", value));
  }

  private void check(boolean valid, String option, String problem) {
    if (!valid) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + problem);
    }
  }
}
