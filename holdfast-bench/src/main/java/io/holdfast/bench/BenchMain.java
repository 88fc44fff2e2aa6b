package io.holdfast.bench;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Runs the benchmark from a command line without picocli: {@code java -jar holdfast-bench.jar --quick}.
 * Exit codes: 0 a valid result, 1 a correctness violation or a workload that failed, 2 bad usage.
 */
public final class BenchMain {
  private BenchMain() { }

  /**
   * Parses the arguments, runs, and exits with the outcome's code.
   *
   * @param args see {@code --help}
   */
  public static void main(String[] args) {
    quietLogging();
    System.exit(run(args));
  }

  /**
   * Parses and runs without exiting.
   *
   * @param args see {@code --help}
   * @return the exit code
   */
  static int run(String... args) {
    Optional<BenchConfig> config;
    try {
      config = BenchArgs.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("holdfast-bench: " + e.getMessage());
      System.err.println(BenchArgs.USAGE);
      return 2;
    }
    if (config.isEmpty()) {
      System.out.println(BenchArgs.USAGE);
      return 0;
    }
    PrintWriter console = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    try {
      return Bench.run(config.get(), console).exitCode();
    } finally {
      console.flush();
    }
  }

  /** The libraries log connection chatter at INFO; the bench's own output is the table. */
  static void quietLogging() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    // Netty logs an ERROR once more than 64 HashedWheelTimers exist in a JVM. Redisson makes one per RedissonClient
    // and has no way to share it, and the fleet workload simulates up to 200 nodes in this one JVM, each with its own
    // client as each node of a real fleet has in its own process: the complaint is about the simulation, not a leak
    // (docs/benchmarks.md). Holdfast's clients and the raw contender share one set of Lettuce resources.
    String timerLog = "org.slf4j.simpleLogger.log.io.netty.util.HashedWheelTimer";
    if (System.getProperty(timerLog) == null) {
      System.setProperty(timerLog, "off");
    }
  }
}
